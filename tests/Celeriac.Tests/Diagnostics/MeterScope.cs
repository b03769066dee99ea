using System.Diagnostics.Metrics;
using Celeriac.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Celeriac.Tests.Diagnostics;

/// <summary>
/// A meter factory of a test's own (as a host gives the app one), so collectors see this test's
/// app only while other tests' apps record in parallel under the same meter name.
/// </summary>
internal sealed class MeterScope : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public MetricCollector<T> Collect<T>(string instrument) where T : struct =>
        new(Factory, CeleriacDiagnostics.MeterName, instrument);

    public void Dispose() => _services.Dispose();
}
