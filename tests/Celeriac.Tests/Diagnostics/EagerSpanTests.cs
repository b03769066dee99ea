using System.Diagnostics;
using Celeriac.Tests.Support;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// Eager mode (<c>task_always_eager</c>) publishes nothing: the run is a consumer span child of the
/// caller's activity, as Python's instrumentation traces an eager <c>apply</c>.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class EagerSpanTests
{
    [Fact]
    public async Task An_eager_run_is_a_child_of_the_callers_activity_and_nothing_is_published()
    {
        using var spans = new SpanCollector();
        await using var h = TestHarness.Create(o => o.AlwaysEager = true);
        var add = h.App.Task("te.add", (long x, long y) => x + y);
        var fail = h.App.Task("te.fail", (string m) => { throw new InvalidOperationException(m); });

        using var caller = new Activity("a test").SetIdFormat(ActivityIdFormat.W3C).Start();
        (await (await add.ApplyAsync(2, 2)).GetAsync()).Should().Be(4);
        await fail.ApplyAsync("boom");
        caller.Stop();

        var run = spans.Spans.Should().ContainSingle(s => s.DisplayName == "run/te.add").Subject;
        run.ParentSpanId.Should().Be(caller.SpanId);
        run.TraceId.Should().Be(caller.TraceId);
        run.GetTagItem("celery.state").Should().Be("SUCCESS");
        spans.Spans.Single(s => s.DisplayName == "run/te.fail").Status.Should().Be(ActivityStatusCode.Error);
        spans.Spans.Should().NotContain(s => s.Kind == ActivityKind.Producer, "an eager run sends nothing");
    }
}
