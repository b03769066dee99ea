using Celeriac.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Compliance;

/// <summary>The <c>memory://</c> transport against the transport suite; each test gets its own broker.</summary>
public sealed class InMemoryTransportComplianceTests : TransportComplianceTests
{
    private readonly Uri _url = new($"memory://{Guid.NewGuid():N}");

    /// <inheritdoc />
    private protected override ValueTask<ITransport> CreateTransportAsync() =>
        ValueTask.FromResult(new ProviderRegistry().CreateTransport(new ProviderContext(_url, new CeleriacOptions(), NullLoggerFactory.Instance)));
}
