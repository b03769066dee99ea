using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Celeriac.OpenTelemetry.Tests;

/// <summary>
/// The adapter writes and reads task headers with whatever OpenTelemetry's default propagator is: the
/// W3C + baggage composite the SDK sets up, or B3 when a Zipkin shop set that.
/// </summary>
[Collection(PropagatorCollection.Name)]
public sealed class OpenTelemetryPropagatorTests : IDisposable
{
    private static readonly TextMapPropagator W3CAndBaggage =
        new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]);

    private readonly DistributedContextPropagator _propagator = OpenTelemetryPropagator.Instance;

    public OpenTelemetryPropagatorTests() => Sdk.SetDefaultTextMapPropagator(W3CAndBaggage);

    public void Dispose()
    {
        Sdk.SetDefaultTextMapPropagator(W3CAndBaggage);
        Baggage.Current = default;
    }

    [Fact]
    public void Inject_writes_traceparent_tracestate_and_baggage_through_the_composite_propagator()
    {
        using var activity = StartActivity("vendor=abc");
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "shop-1" });
        var headers = new Dictionary<string, object?>();

        _propagator.Inject(activity, headers, HeaderCarrier.Setter);

        headers["traceparent"].Should().Be(activity.Id, "the W3C traceparent is the activity's id");
        headers["tracestate"].Should().Be("vendor=abc");
        headers["baggage"].Should().Be("tenant=shop-1");
        _propagator.Fields.Should().Contain(["traceparent", "tracestate", "baggage"]);
    }

    [Fact]
    public void Extract_reads_back_what_inject_wrote_as_a_W3C_parent_the_core_can_parse()
    {
        using var activity = StartActivity("vendor=abc");
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "shop-1" });
        var headers = new Dictionary<string, object?>();
        _propagator.Inject(activity, headers, HeaderCarrier.Setter);
        Baggage.Current = default;

        _propagator.ExtractTraceIdAndState(headers, HeaderCarrier.Getter, out var traceId, out var traceState);
        var baggage = _propagator.ExtractBaggage(headers, HeaderCarrier.Getter);

        ActivityContext.TryParse(traceId, traceState, isRemote: true, out var parent).Should().BeTrue();
        parent.TraceId.Should().Be(activity.TraceId);
        parent.SpanId.Should().Be(activity.SpanId);
        parent.TraceFlags.Should().Be(activity.ActivityTraceFlags);
        parent.TraceState.Should().Be("vendor=abc");
        baggage.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string?>("tenant", "shop-1"));
    }

    [Fact]
    public void Baggage_put_on_the_consumer_span_travels_on_to_the_next_send()
    {
        // The core adds extracted baggage to its consumer span; OpenTelemetry's ambient baggage is empty there.
        using var activity = StartActivity(null);
        activity.AddBaggage("tenant", "shop-1");
        var headers = new Dictionary<string, object?>();

        _propagator.Inject(activity, headers, HeaderCarrier.Setter);

        headers["baggage"].Should().Be("tenant=shop-1");
    }

    [Fact]
    public void With_B3_as_the_default_it_writes_and_reads_B3_headers_instead_of_traceparent()
    {
#pragma warning disable CS0618 // the API package's B3Propagator; the same format as OpenTelemetry.Extensions.Propagators'
        Sdk.SetDefaultTextMapPropagator(new B3Propagator());
#pragma warning restore CS0618
        using var activity = StartActivity(null);
        var headers = new Dictionary<string, object?>();

        _propagator.Inject(activity, headers, HeaderCarrier.Setter);

        headers.Should().NotContainKey("traceparent");
        headers["X-B3-TraceId"].Should().Be(activity.TraceId.ToHexString());
        headers["X-B3-SpanId"].Should().Be(activity.SpanId.ToHexString());
        headers["X-B3-Sampled"].Should().Be("1");

        _propagator.ExtractTraceIdAndState(headers, HeaderCarrier.Getter, out var traceId, out _);
        ActivityContext.TryParse(traceId, null, isRemote: true, out var parent).Should().BeTrue();
        parent.TraceId.Should().Be(activity.TraceId);
        parent.SpanId.Should().Be(activity.SpanId);
    }

    [Fact]
    public void Headers_without_context_extract_nothing_and_no_activity_injects_nothing()
    {
        var headers = new Dictionary<string, object?> { ["id"] = "task-1" };

        _propagator.ExtractTraceIdAndState(headers, HeaderCarrier.Getter, out var traceId, out var traceState);
        _propagator.Inject(null, headers, HeaderCarrier.Setter);

        traceId.Should().BeNull();
        traceState.Should().BeNull();
        _propagator.ExtractBaggage(headers, HeaderCarrier.Getter).Should().BeNull();
        headers.Keys.Should().Equal("id");
    }

    [Fact]
    public void UseOpenTelemetryPropagation_sets_the_options_propagator()
    {
        var options = new CeleriacOptions();

        options.UseOpenTelemetryPropagation().Should().BeSameAs(options);

        options.Propagator.Should().BeSameAs(OpenTelemetryPropagator.Instance);
    }

    [Fact]
    public async Task UseOpenTelemetryPropagation_on_the_hosting_builder_sets_the_registered_apps_propagator()
    {
        var services = new ServiceCollection();
        services.AddCeleriac().UseOpenTelemetryPropagation();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<CeleriacApp>().Options.Propagator.Should().BeSameAs(OpenTelemetryPropagator.Instance);
    }

    /// <summary>A sampled W3C activity with no listener needed: the adapter reads only its ids.</summary>
    private static Activity StartActivity(string? traceState)
    {
        var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.TraceStateString = traceState;
        return activity.Start();
    }
}
