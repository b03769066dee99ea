namespace Celeriac.Compliance;

/// <summary>The <c>memory://</c> transport and backend against the worker suite; each test gets its own broker and store.</summary>
public sealed class InMemoryWorkerComplianceTests : WorkerComplianceTests
{
    private readonly string _name = Guid.NewGuid().ToString("N");

    /// <inheritdoc />
    protected override string BrokerUrl => $"memory://{_name}";

    /// <inheritdoc />
    protected override string ResultBackendUrl => $"memory://{_name}";
}
