using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Tests.Infrastructure;

/// <summary>What every test host of the dashboard does the same way: a slim app on Kestrel at 127.0.0.1 and a free port, and where it listens.</summary>
internal static class TestKestrel
{
    /// <summary>A slim web app builder listening on loopback and a port the system picks (more addresses through <paramref name="kestrel"/>).</summary>
    public static WebApplicationBuilder CreateBuilder(Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0);
            kestrel?.Invoke(k);
        });
        return builder;
    }

    /// <summary>The addresses a started app listens on.</summary>
    public static IReadOnlyList<Uri> Addresses(WebApplication web) =>
        web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();

    /// <summary>The loopback address of a started app.</summary>
    public static Uri Loopback(WebApplication web) => Addresses(web).First(a => a.Host == "127.0.0.1");
}
