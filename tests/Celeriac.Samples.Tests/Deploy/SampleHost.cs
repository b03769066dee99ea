using System.Reflection;
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
    /// Starts the app of <paramref name="assembly"/> (its top-level <c>Program</c>: both samples have one, so
    /// the type is looked up rather than named) with <paramref name="settings"/> as configuration keys
    /// (<c>Celeriac:BrokerUrl</c>), the way .NET reads <c>Celeriac__BrokerUrl</c> from the environment.
    /// </summary>
    public static ISampleHost Start(Assembly assembly, IReadOnlyDictionary<string, string> settings)
    {
        var program = assembly.GetType("Program", throwOnError: true)!;
        var host = (ISampleHost)Activator.CreateInstance(typeof(Factory<>).MakeGenericType(program), settings)!;
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
