using Celeriac;

namespace WebShop.Status;

/// <summary><c>GET /tasks/{id}</c>: the state of any task, e.g. a fulfilment step.</summary>
public static class StatusEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/tasks/{id}", (string id, CeleriacApp celeriac, CancellationToken cancellation) =>
            TaskStatusResponse.ReadAsync(celeriac.Result(id), cancellation));
        return routes;
    }
}
