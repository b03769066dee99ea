using Celeriac.CommandLine;

return await CliApp.RunAsync(args, Console.Out, Console.Error);
