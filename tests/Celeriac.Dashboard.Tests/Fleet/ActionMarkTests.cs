using Celeriac.Dashboard.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Celeriac.Dashboard.Tests.Fleet;

/// <summary>Every state-changing endpoint carries the action mark the security filters act on; no GET does.</summary>
public sealed class ActionMarkTests
{
    [Fact]
    public async Task Every_post_and_put_is_a_marked_action_and_no_get_is()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddCeleriacDashboard(o => o.SqlitePath = ":memory:");
        await using var web = builder.Build();
        web.MapCeleriacDashboard("/celeriac");
        var endpoints = ((IEndpointRouteBuilder)web).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();

        var changing = endpoints.Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Any(m => m is "POST" or "PUT" or "DELETE") == true).ToList();
        var reading = endpoints.Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.All(m => m is "GET" or "HEAD") == true).ToList();

        changing.Select(e => e.RoutePattern.RawText).Should().Contain(["/celeriac/api/fleet/queues/{name}/purge", "/celeriac/api/beat/{name}", "/celeriac/api/worker/pool/grow/{workername}"]);
        changing.Where(e => e.Metadata.GetMetadata<DashboardAction>() is null).Select(e => e.RoutePattern.RawText).Should().BeEmpty();
        reading.Where(e => e.Metadata.GetMetadata<DashboardAction>() is not null).Select(e => e.RoutePattern.RawText).Should().BeEmpty();
    }
}
