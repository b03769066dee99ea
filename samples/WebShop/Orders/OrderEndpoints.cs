using System.Text.Json;
using Celeriac;
using Celeriac.Canvas;
using WebShop.Status;
using WebShop.Tasks;
using WebShop.Tasks.Orders;

namespace WebShop.Orders;

/// <summary>
/// The order API: accept the order, queue the work, answer at once — Celery's everyday pattern.
/// An order's id is the task id of its <c>orders.process</c>.
/// </summary>
public static class OrderEndpoints
{
    /// <summary>Maps <c>POST /orders</c>, <c>GET /orders/{id}</c> and <c>POST /orders/{id}/fulfil</c>.</summary>
    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/orders", PlaceAsync);
        routes.MapGet("/orders/{id}", (string id, CeleriacApp celeriac, CancellationToken cancellation) =>
            TaskStatusResponse.ReadAsync(celeriac.Result(id), cancellation));
        routes.MapPost("/orders/{id}/fulfil", FulfilAsync);
        return routes;
    }

    private static async Task<IResult> PlaceAsync(OrderRequest order, CeleriacApp celeriac, CancellationToken cancellation)
    {
        if (string.IsNullOrWhiteSpace(order.Sku) || order.Quantity <= 0 || order.AmountCents <= 0 || string.IsNullOrWhiteSpace(order.Email))
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["order"] = ["sku and email are required; quantity and amountCents must be positive"],
            });
        var sent = await celeriac.SendTaskAsync(WebShopTaskNames.ProcessOrder, [order], cancellationToken: cancellation);
        return Results.Accepted($"/orders/{sent.Id}", new { id = sent.Id });
    }

    /// <summary>
    /// Runs the chain <c>orders.reserve → orders.charge → orders.email</c> for a paid order; each step
    /// gets the result of the one before. Answers with the id of the last step, whose result is the receipt.
    /// </summary>
    private static async Task<IResult> FulfilAsync(string id, CeleriacApp celeriac, CancellationToken cancellation)
    {
        var order = celeriac.Result(id);
        await order.RefreshAsync(cancellation);
        if (!order.IsSuccessful)
            return Results.Conflict(new { id, state = order.State, detail = "only a paid order (state SUCCESS) can be fulfilled" });
        var paid = order.Info.Deserialize<PaidOrder>(celeriac.Options.Json)!;

        var fulfilment = new Chain(
            celeriac.Signature(WebShopTaskNames.Reserve, [paid.OrderId, paid.Email]),
            celeriac.Signature(WebShopTaskNames.Charge),
            celeriac.Signature(WebShopTaskNames.Email));
        var last = await fulfilment.ApplyAsync(cancellationToken: cancellation);
        return Results.Accepted($"/tasks/{last.Id}", new { id = last.Id, steps = StepIds(last) });
    }

    // The chain's result is its last step; its parents are the steps before it.
    private static List<string> StepIds(ITaskResult last)
    {
        var ids = new List<string>();
        for (ITaskResult? step = last; step is not null; step = (step as AsyncResult)?.Parent) ids.Insert(0, step.Id);
        return ids;
    }
}
