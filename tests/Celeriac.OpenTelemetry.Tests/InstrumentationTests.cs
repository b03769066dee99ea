using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Celeriac.OpenTelemetry.Tests;

/// <summary>AddCeleriacInstrumentation subscribes a provider to Celeriac's ActivitySource and Meter, and to nothing else.</summary>
public sealed class InstrumentationTests
{
    [Fact]
    public void The_tracer_provider_exports_spans_of_the_Celeriac_source_only()
    {
        var spans = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddCeleriacInstrumentation().AddInMemoryExporter(spans).Build())
        {
            using var celeriac = new ActivitySource("Celeriac");
            using var other = new ActivitySource("Celeriac.Tests.Other");
            celeriac.StartActivity("apply_async/orders.process", ActivityKind.Producer)!.Dispose();
            other.StartActivity("elsewhere")?.Dispose();
        }

        spans.Select(s => s.DisplayName).Should().Equal("apply_async/orders.process");
    }

    [Fact]
    public void The_meter_provider_exports_instruments_of_the_Celeriac_meter_only()
    {
        var metrics = new List<Metric>();
        using var celeriac = new Meter("Celeriac");
        using var other = new Meter("Celeriac.Tests.Other");
        using var provider = Sdk.CreateMeterProviderBuilder().AddCeleriacInstrumentation().AddInMemoryExporter(metrics).Build();

        celeriac.CreateCounter<long>("celeriac.task.sent").Add(1);
        other.CreateCounter<long>("elsewhere").Add(1);
        provider.ForceFlush();

        metrics.Select(m => m.Name).Should().Contain("celeriac.task.sent").And.NotContain("elsewhere");
    }
}
