namespace Celeriac.Canvas;

/// <summary>
/// Celery's canvas functions: <c>chain(...)</c>, <c>group(...)</c>, <c>chord(header, body)</c>.
/// </summary>
/// <example>
/// <code>
/// var flow = Workflow.Chain(add.Si(1, 1), Workflow.Group(add.S(10), add.S(20)), tsum.S());   // the group becomes a chord
/// var total = (AsyncResult)await flow.ApplyAsync();
/// </code>
/// </example>
public static class Workflow
{
    /// <summary>
    /// Celery's <c>chain(a, b, c)</c>: the steps composed with <c>|</c>, so a group followed by a
    /// step becomes a chord and nested chains are flattened.
    /// </summary>
    public static Signature Chain(params IEnumerable<Signature> steps) =>
        steps.Aggregate((Signature)new Chain(), (chain, step) => chain | step);

    /// <summary>Celery's <c>group(...)</c>.</summary>
    public static Group Group(params IEnumerable<Signature> tasks) => new(tasks);

    /// <summary>Celery's <c>chord(header, body)</c>.</summary>
    public static Chord Chord(IEnumerable<Signature> header, Signature body) => new(header, body);
}
