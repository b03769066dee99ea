using System.Net;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Celeriac.CommandLine.Commands.Dashboard;

/// <summary>
/// The standalone dashboard's web server: a Kestrel <see cref="WebApplication"/> with the command's app registered as
/// <c>AddCeleriac</c> would (the app and its <c>Control</c>), <c>AddCeleriacDashboard</c>, and the dashboard mapped at
/// the prefix (behind Basic authentication when asked).
/// </summary>
internal static class DashboardHost
{
    private const string Policy = "celeriac-dashboard";
    private static readonly TimeSpan BrokerCheck = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(1.5);

    public static async Task<int> RunAsync(CeleriacApp app, DashboardSettings settings, TextWriter output, TextWriter error, CancellationToken stopping)
    {
        if (settings.BeatSchedule is { } schedule) BeatCommand.LoadSchedule(app, schedule);
        await CheckBrokerAsync(app, stopping).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        builder.WebHost.UseKestrel(k =>
        {
            if (settings.Address is { } address) k.Listen(address, settings.Port);
            else k.ListenLocalhost(settings.Port);
        });
        builder.Services.AddSingleton(app);
        builder.Services.AddSingleton(app.Control);
        builder.Services.AddCeleriacDashboard(settings.Configure);
        if (settings.BasicAuth is { } credentials)
        {
            builder.Services.AddSingleton(credentials);
            builder.Services.AddAuthentication(BasicAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
            builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireAuthenticatedUser()));
        }

        await using var web = builder.Build();
        if (settings.BasicAuth is not null)
        {
            web.UseAuthentication();
            web.UseAuthorization();
        }
        var group = web.MapCeleriacDashboard(settings.UrlPrefix == "/" ? "" : settings.UrlPrefix);
        if (settings.BasicAuth is not null) group.RequireAuthorization(Policy);

        // A store that cannot open (a wrong connection string, an unwritable file) fails here, one line, exit 1.
        await web.Services.GetRequiredService<IDashboardStore>().InitializeAsync(stopping).ConfigureAwait(false);
        await web.StartAsync(stopping).ConfigureAwait(false);
        var url = Url(web, settings);
        await output.WriteLineAsync($"Celeriac dashboard on {url} (broker {app.Options.BrokerUrl}{Access(settings)}); Ctrl+C stops it.").ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, web.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        using (var stopTimeout = new CancellationTokenSource(StopTimeout)) await web.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        await error.WriteLineAsync("celeriac dashboard: stopped").ConfigureAwait(false);
        return CliExitCode.Ok;
    }

    /// <summary>An unreachable broker is one line and exit 1 at start, as every other command (not a page of errors later).</summary>
    private static async Task CheckBrokerAsync(CeleriacApp app, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(BrokerCheck);
        try
        {
            await app.Transport.GetQueueDepthAsync(app.Options.DefaultQueue, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new CliException(CliExitCode.Failure, $"the broker {app.Options.BrokerUrl} did not answer within {BrokerCheck.TotalSeconds:0} s");
        }
    }

    private static string Url(WebApplication web, DashboardSettings settings)
    {
        var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? $"http://{settings.Host}:{settings.Port}";
        return address.TrimEnd('/') + (settings.UrlPrefix == "/" ? "/" : settings.UrlPrefix + "/");
    }

    private static string Access(DashboardSettings settings) => settings switch
    {
        { AllowRemote: false } => ", local requests only",
        { BasicAuth: not null } => ", remote requests with Basic authentication",
        _ => ", remote requests WITHOUT authentication",
    };
}
