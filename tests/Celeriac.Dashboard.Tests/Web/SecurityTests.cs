using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Celeriac.Dashboard.Security;
using Celeriac.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;

namespace Celeriac.Dashboard.Tests.Web;

/// <summary>
/// The guard every dashboard endpoint runs behind: local requests only (unless opened up or given a policy),
/// read-only mode over every action-marked endpoint, cross-site protection, and the audit rows.
/// </summary>
public sealed class SecurityTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    private const string Remote = "10.1.2.3";

    [RedisFact]
    public async Task A_local_request_gets_the_session_with_a_token()
    {
        var session = await ApiAssert.JsonAsync(await cluster.Client.GetAsync("api/session"));
        Assert.False(session["read_only"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(session["csrf_token"]!.GetValue<string>()));
        Assert.Equal("X-Celeriac-Csrf", session["csrf_header"]!.GetValue<string>());
        Assert.Equal("anonymous", session["user"]!.GetValue<string>());
        Assert.StartsWith("redis://127.0.0.1:", session["broker"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task A_remote_request_is_refused_the_api_and_the_page()
    {
        foreach (var path in new[] { "api/session", "api/tasks/search", "", "openapi.json" })
        {
            var response = await cluster.Client.SendAsync(ApiAssert.Request(HttpMethod.Get, path, (DashboardHost.RemoteHeader, Remote)));
            await ApiAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "local requests only");
        }
        // An X-Forwarded-For claiming loopback is not believed: only the connection counts.
        var forwarded = await cluster.Client.SendAsync(ApiAssert.Request(HttpMethod.Get, "api/session", (DashboardHost.RemoteHeader, Remote), ("X-Forwarded-For", "127.0.0.1")));
        Assert.Equal(HttpStatusCode.Forbidden, forwarded.StatusCode);
    }

    [RedisFact]
    public async Task Behind_forwarded_headers_the_forwarded_client_is_what_counts()
    {
        await using var host = await DashboardHost.StartAsync(cluster.App, cluster.SqlitePath("forwarded"), forwardedHeaders: true);
        using var client = host.Client(cookies: false);
        var viaProxy = await client.SendAsync(ApiAssert.Request(HttpMethod.Get, "api/session", ("X-Forwarded-For", Remote)));
        await ApiAssert.ErrorAsync(viaProxy, HttpStatusCode.Forbidden, "local requests only");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/session")).StatusCode);
    }

    [RedisFact]
    public async Task A_request_on_the_machines_network_address_is_remote()
    {
        var address = NetworkAddress();
        if (address is null) return; // no non-loopback interface here: the header-based test above covers the rule
        await using var host = await DashboardHost.StartAsync(cluster.App, cluster.SqlitePath("network"), networkAddress: address);
        using var client = host.Client(cookies: false, host.NetworkAddress);
        await ApiAssert.ErrorAsync(await client.GetAsync("api/session"), HttpStatusCode.Forbidden, "local requests only");
        using var local = host.Client(cookies: false);
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("api/session")).StatusCode);
    }

    [RedisFact]
    public async Task Local_requests_only_can_be_turned_off()
    {
        await using var host = await DashboardHost.StartAsync(cluster.App, cluster.SqlitePath("open"), o => o.LocalRequestsOnly = false);
        using var client = host.Client(cookies: false);
        var response = await client.SendAsync(ApiAssert.Request(HttpMethod.Get, "api/session", (DashboardHost.RemoteHeader, Remote)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [RedisFact]
    public async Task With_an_authorization_policy_a_signed_in_remote_user_is_served_and_an_anonymous_one_is_not()
    {
        await using var host = await DashboardHost.StartAsync(cluster.App, cluster.SqlitePath("policy"), policy: "ops");
        using var client = host.Client(cookies: false);
        var alice = await client.SendAsync(ApiAssert.Request(HttpMethod.Get, "api/session", (DashboardHost.RemoteHeader, Remote), (DashboardHost.UserHeader, "alice")));
        var session = await ApiAssert.JsonAsync(alice);
        Assert.Equal("alice", session["user"]!.GetValue<string>());
        var anonymous = await client.SendAsync(ApiAssert.Request(HttpMethod.Get, "api/session", (DashboardHost.RemoteHeader, Remote)));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // The user is who the audit names.
        var revoke = await client.SendAsync(ApiAssert.Request(HttpMethod.Post, "api/tasks/policy-task/revoke", (DashboardHost.RemoteHeader, Remote), (DashboardHost.UserHeader, "alice")));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var audit = (await host.Store.QueryAuditAsync()).Entries;
        Assert.Contains(audit, e => e is { User: "alice", Action: "task.revoke", Target: "policy-task", Outcome: "ok", Remote: Remote });
    }

    [RedisFact]
    public async Task Read_only_mode_refuses_every_action_endpoint_and_says_so_in_the_session()
    {
        await using var host = await DashboardHost.StartAsync(cluster.App, cluster.SqlitePath("readonly"), o => o.ReadOnly = true);
        using var client = host.Client(cookies: false);
        var session = await ApiAssert.JsonAsync(await client.GetAsync("api/session"));
        Assert.True(session["read_only"]!.GetValue<bool>());
        var actions = host.Endpoints.OfType<RouteEndpoint>().Where(e => e.Metadata.GetMetadata<DashboardAction>() is not null).ToList();
        // Every area's actions, the fleet part's too (worker, queue, beat) — whoever maps them, the guard covers them.
        var areas = actions.Select(e => e.Metadata.GetMetadata<DashboardAction>()!.Name.Split('.')[0]).ToHashSet();
        Assert.Superset(new HashSet<string> { "task", "worker", "queue", "beat" }, areas);
        Assert.True(actions.Count >= 25, $"only {actions.Count} action endpoints");
        foreach (var endpoint in actions)
        {
            var path = string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
                _ => "x",
            })))).TrimStart('/');
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods[0];
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/" + path) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") });
            await ApiAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "the dashboard is read-only");
        }
        var audit = (await host.Store.QueryAuditAsync(limit: 1000)).Entries;
        Assert.Equal(actions.Count, audit.Count(e => e.Outcome.StartsWith("refused: the dashboard is read-only", StringComparison.Ordinal)));
        // Reading still works.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/tasks/search")).StatusCode);
    }

    [RedisFact]
    public async Task A_cross_site_browser_post_is_refused()
    {
        var fromElsewhere = ApiAssert.Request(HttpMethod.Post, "api/tasks/cross-site/revoke", ("Origin", "https://evil.example"), ("Cookie", "session=1"), ("Sec-Fetch-Site", "cross-site"));
        await ApiAssert.ErrorAsync(await cluster.Client.SendAsync(fromElsewhere), HttpStatusCode.Forbidden, "X-Celeriac-Csrf");
        var fetchSite = ApiAssert.Request(HttpMethod.Post, "api/tasks/cross-site/revoke", ("Sec-Fetch-Site", "cross-site"));
        await ApiAssert.ErrorAsync(await cluster.Client.SendAsync(fetchSite), HttpStatusCode.Forbidden, "cross-site");
        var badToken = ApiAssert.Request(HttpMethod.Post, "api/tasks/cross-site/revoke", ("X-Celeriac-Csrf", "forged"), ("Origin", "https://evil.example"));
        await ApiAssert.ErrorAsync(await cluster.Client.SendAsync(badToken), HttpStatusCode.Forbidden, "not valid");
        var audit = (await cluster.Host.Store.QueryAuditAsync(limit: 1000)).Entries.Where(e => e.Target == "cross-site").ToList();
        Assert.Equal(3, audit.Count);
        Assert.All(audit, e => Assert.StartsWith("refused: ", e.Outcome, StringComparison.Ordinal));
    }

    [RedisFact]
    public async Task A_browser_post_with_the_sessions_token_is_accepted()
    {
        using var browser = cluster.Host.Client(cookies: true);
        var token = (await ApiAssert.JsonAsync(await browser.GetAsync("api/session")))["csrf_token"]!.GetValue<string>();
        var request = ApiAssert.Request(HttpMethod.Post, "api/tasks/with-token/revoke", ("X-Celeriac-Csrf", token), ("Origin", cluster.Host.BaseAddress.GetLeftPart(UriPartial.Authority)), ("Sec-Fetch-Site", "same-origin"));
        var ok = await ApiAssert.JsonAsync(await browser.SendAsync(request));
        Assert.True(ok["ok"]!.GetValue<bool>());
    }

    [RedisFact]
    public async Task A_curl_like_post_is_accepted()
    {
        var ok = await ApiAssert.JsonAsync(await cluster.Client.PostAsync("api/tasks/from-curl/revoke", null));
        Assert.True(ok["ok"]!.GetValue<bool>());
    }

    [RedisFact]
    public async Task Every_action_call_is_audited_ok_refused_or_error()
    {
        await cluster.Client.PostAsync("api/tasks/audit-ok/revoke", null);
        await cluster.Client.SendAsync(ApiAssert.Request(HttpMethod.Post, "api/tasks/audit-refused/revoke", ("Origin", "https://evil.example")));
        await cluster.Client.PostAsync("api/tasks/audit-missing/retry", null); // unknown task: 404
        await cluster.Client.PostJsonAsync("api/tasks/audit-bad/terminate", new { signal = "not a signal!" });
        var page = await ApiAssert.JsonAsync(await cluster.Client.GetAsync("api/audit?limit=1000"));
        var entries = page["entries"]!.AsArray().Select(e => e!).ToList();
        string Outcome(string target) => entries.Single(e => e["target"]?.GetValue<string>() == target)["outcome"]!.GetValue<string>();
        Assert.Equal("ok", Outcome("audit-ok"));
        Assert.StartsWith("refused: ", Outcome("audit-refused"), StringComparison.Ordinal);
        Assert.StartsWith("error: no task 'audit-missing'", Outcome("audit-missing"), StringComparison.Ordinal);
        Assert.StartsWith("error: signal must be", Outcome("audit-bad"), StringComparison.Ordinal);
        var bad = entries.Single(e => e["target"]?.GetValue<string>() == "audit-ok");
        Assert.Equal("task.revoke", bad["action"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", bad["remote"]!.GetValue<string>());
        Assert.EndsWith("Z", bad["at"]!.GetValue<string>(), StringComparison.Ordinal);
        // Paging by cursor.
        var first = await ApiAssert.JsonAsync(await cluster.Client.GetAsync("api/audit?limit=1"));
        Assert.Single(first["entries"]!.AsArray());
        var next = first["next_cursor"]!.GetValue<string>();
        var second = await ApiAssert.JsonAsync(await cluster.Client.GetAsync($"api/audit?limit=1&cursor={Uri.EscapeDataString(next)}"));
        Assert.NotEqual(first["entries"]![0]!.ToJsonString(), second["entries"]![0]!.ToJsonString());
        await ApiAssert.ErrorAsync(await cluster.Client.GetAsync("api/audit?limit=0"), HttpStatusCode.BadRequest, "limit");
        await ApiAssert.ErrorAsync(await cluster.Client.GetAsync("api/audit?cursor=%25%25"), HttpStatusCode.BadRequest, "cursor");
    }

    private static IPAddress? NetworkAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
