using Celeriac.Exceptions;

namespace Celeriac.Control.Mailbox.Commands;

/// <summary>
/// <c>pool_grow</c>, <c>pool_shrink</c> and <c>autoscale</c>: the number of execution slots at run
/// time. As Celery 5.2.6, <c>pool_grow</c>/<c>pool_shrink</c> are refused under autoscale (its
/// bounds are what to change then, with <c>autoscale</c>).
/// </summary>
internal static class PoolCommands
{
    public static IEnumerable<ControlCommand> All =>
    [
        ControlCommand.Sync("pool_grow", (c, a) =>
        {
            if (c.Worker.AutoscaleBounds is not null) return ControlCommand.Error(NotWithAutoscale("pool_grow"));
            c.Worker.GrowPool(Count(a));
            return ControlCommand.Ok("pool will grow");
        }),
        ControlCommand.Sync("pool_shrink", (c, a) =>
        {
            if (c.Worker.AutoscaleBounds is not null) return ControlCommand.Error(NotWithAutoscale("pool_shrink"));
            c.Worker.ShrinkPool(Count(a));
            return ControlCommand.Ok("pool will shrink");
        }),
        ControlCommand.Sync("autoscale", (c, a) =>
        {
            // Celery raises ValueError('Autoscale not enabled'); the error reply is its repr.
            if (c.Worker.AutoscaleBounds is not { } bounds) throw new CeleryException("ValueError", "builtins", "Autoscale not enabled");
            c.Worker.SetAutoscale(a.Int("max") ?? bounds.Max, a.Int("min") ?? bounds.Min);
            var now = c.Worker.AutoscaleBounds ?? bounds;
            return ControlCommand.Ok($"autoscale now max={now.Max} min={now.Min}");
        }),
    ];

    // Celery's nok text, word for word.
    private static string NotWithAutoscale(string command) => $"{command} is not supported with autoscale. Adjust autoscale range instead.";

    private static int Count(ControlArguments arguments)
    {
        var n = arguments.Int("n") ?? 1;
        return n >= 0 ? n : throw new ControlArgumentException($"'n' must not be negative, not {n}");
    }
}
