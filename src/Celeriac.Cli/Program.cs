using Celeriac.CommandLine;

return await CliApp.RunAsync(args, Console.Out, Console.Error);

/// <summary>
/// The entry point stays internal: referencing ASP.NET Core (the dashboard command) brings its generator that makes a
/// top-level <c>Program</c> public for WebApplicationFactory unless the class is declared with its accessibility.
/// </summary>
internal sealed partial class Program;
