using Celeriac.Backends;
using Celeriac.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.Compliance;

/// <summary>The <c>memory://</c> result backend against the backend suite; each test gets its own store.</summary>
public sealed class InMemoryResultBackendComplianceTests : ResultBackendComplianceTests
{
    private readonly Uri _url = new($"memory://{Guid.NewGuid():N}");

    /// <inheritdoc />
    private protected override ValueTask<IResultBackend> CreateBackendAsync() =>
        ValueTask.FromResult(new ProviderRegistry().CreateBackend(new ProviderContext(_url, new CeleriacOptions(), NullLoggerFactory.Instance)));
}
