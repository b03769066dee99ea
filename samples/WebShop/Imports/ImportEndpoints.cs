using Celeriac;
using Celeriac.Canvas;
using WebShop.Status;
using WebShop.Tasks;
using WebShop.Tasks.Catalog;

namespace WebShop.Imports;

/// <summary>The bulk import: a chord whose header imports every item in parallel and whose body sums them.</summary>
public static class ImportEndpoints
{
    /// <summary>Largest import one request may start.</summary>
    public const int MaxItems = 10_000;

    /// <summary>Maps <c>POST /imports</c> and <c>GET /imports/{id}</c>.</summary>
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/imports", StartAsync);
        routes.MapGet("/imports/{id}", (string id, CeleriacApp celeriac, CancellationToken cancellation) =>
            TaskStatusResponse.ReadAsync(celeriac.Result(id), cancellation));
        return routes;
    }

    private static async Task<IResult> StartAsync(List<CatalogItem> items, CeleriacApp celeriac, CancellationToken cancellation)
    {
        if (items.Count is 0 or > MaxItems)
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["items"] = [$"send 1 to {MaxItems} items"] });
        var import = new Chord(
            items.Select(item => celeriac.Signature(WebShopTaskNames.ImportItem, [item])),
            celeriac.Signature(WebShopTaskNames.ImportDone));
        // The chord's result is its body's: catalog.import_done's summary once every item is in.
        var done = await import.ApplyAsync(cancellationToken: cancellation);
        return Results.Accepted($"/imports/{done.Id}", new { id = done.Id, items = items.Count });
    }
}
