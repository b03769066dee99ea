using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Celeriac.Dashboard.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Celeriac.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>
/// The dashboard mounted at <c>/celeriac</c> in a real Kestrel on 127.0.0.1 and a free port (and on the
/// machine's own network address when asked). A request with <c>X-Test-Remote: addr</c> arrives as from that
/// address (the connection feature, set before the endpoint runs), and <c>X-Test-User: name</c> signs it in
/// through a test scheme.
/// </summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string RemoteHeader = "X-Test-Remote";
    public const string UserHeader = "X-Test-User";

    private readonly WebApplication _web;

    private DashboardHost(WebApplication web, Uri baseAddress, Uri? networkAddress)
    {
        _web = web;
        BaseAddress = baseAddress;
        NetworkAddress = networkAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The dashboard on the machine's non-loopback address, when it has one and it was asked for.</summary>
    public Uri? NetworkAddress { get; }

    public IServiceProvider Services => _web.Services;

    public IDashboardStore Store => _web.Services.GetRequiredService<IDashboardStore>();

    public IReadOnlyList<Endpoint> Endpoints => _web.Services.GetRequiredService<EndpointDataSource>().Endpoints;

    public static async Task<DashboardHost> StartAsync(CeleriacApp? app, string sqlitePath, Action<DashboardOptions>? configure = null,
        string? policy = null, IPAddress? networkAddress = null, bool ingest = false, bool forwardedHeaders = false)
    {
        var builder = TestKestrel.CreateBuilder(k =>
        {
            if (networkAddress is not null) k.Listen(networkAddress, 0);
        });
        builder.Logging.ClearProviders();
        if (app is not null) builder.Services.AddSingleton(app);
        builder.Services.AddCeleriacDashboard(o =>
        {
            o.SqlitePath = sqlitePath;
            o.IngestEvents = ingest; // one host per cluster ingests; the others read what their test wrote
            configure?.Invoke(o);
        });
        builder.Services.AddAuthentication("test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("test", null);
        builder.Services.AddAuthorization(o => o.AddPolicy("ops", p => p.RequireAuthenticatedUser()));
        var web = builder.Build();
        // An app behind a proxy on this machine: X-Forwarded-For from loopback is believed (ASP.NET Core's defaults).
        if (forwardedHeaders) web.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor });
        web.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue(RemoteHeader, out var remote)) context.Connection.RemoteIpAddress = IPAddress.Parse(remote.ToString());
            return next(context);
        });
        web.UseAuthentication();
        web.UseAuthorization();
        var group = web.MapCeleriacDashboard("/celeriac");
        if (policy is not null) group.RequireAuthorization(policy);
        await web.Services.GetRequiredService<IDashboardStore>().InitializeAsync();
        await web.StartAsync();
        var network = TestKestrel.Addresses(web).FirstOrDefault(a => a.Host != "127.0.0.1");
        return new DashboardHost(web, new Uri(TestKestrel.Loopback(web), "/celeriac/"), network is null ? null : new Uri(network, "/celeriac/"));
    }

    /// <summary>A client as a browser would be one (keeps cookies), or as curl is (none).</summary>
    public HttpClient Client(bool cookies = true, Uri? baseAddress = null) =>
        new(new HttpClientHandler { UseCookies = cookies, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress ?? BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync();
        await _web.DisposeAsync();
    }

    /// <summary>Signs in whoever <see cref="UserHeader"/> names; no header, no user.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(UserHeader, out var user)) return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "test");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "test")));
        }
    }
}
