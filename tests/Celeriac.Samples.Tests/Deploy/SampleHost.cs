using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>A sample app started in-process (TestServer) with the settings a manifest gives its container.</summary>
internal interface ISampleHost : IDisposable
{
    IServiceProvider Services { get; }

    HttpClient CreateClient();
}

internal static class SampleHost
{
    /// <summary>
    /// Starts the app whose entry point is in <paramref name="entryPointAssemblyType"/>'s assembly with
    /// <paramref name="settings"/> as configuration keys (<c>Celeriac:BrokerUrl</c>), the way .NET reads
    /// <c>Celeriac__BrokerUrl</c> from the environment.
    /// </summary>
    public static ISampleHost Start(Type entryPointAssemblyType, IReadOnlyDictionary<string, string> settings)
    {
        var host = (ISampleHost)Activator.CreateInstance(typeof(Factory<>).MakeGenericType(entryPointAssemblyType), settings)!;
        _ = host.Services; // starts it
        return host;
    }

    /// <summary>The configuration key an environment variable becomes: <c>__</c> is the section separator.</summary>
    public static string ConfigurationKey(string environmentVariable) => environmentVariable.Replace("__", ":", StringComparison.Ordinal);

    private sealed class Factory<TProgram>(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<TProgram>, ISampleHost
        where TProgram : class
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (name, value) in settings) builder.UseSetting(ConfigurationKey(name), value);
        }
    }
}
