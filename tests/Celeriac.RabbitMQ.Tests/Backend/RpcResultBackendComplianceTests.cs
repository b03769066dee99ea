using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Compliance;
using Celeriac.Protocol.Results;
using Celeriac.RabbitMQ.Backend;
using Celeriac.RabbitMQ.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Celeriac.RabbitMQ.Tests.Backend;

/// <summary>
/// The result backend suite on <c>rpc://</c> and a real rabbitmq-server. The first backend is the
/// client (its reply queue declared as when it sends a task); the worker's stores are addressed to
/// that queue, as a worker addresses them to the request's <c>reply_to</c>. Capabilities rpc does
/// not have (whole metas, group save, results readable by other clients) are switched off.
/// </summary>
public sealed class RpcResultBackendComplianceTests(RabbitMqFixture rabbit) : ResultBackendComplianceTests, IClassFixture<RabbitMqFixture>
{
    private RpcResultBackend? _client;

    private protected override bool KeepsWholeMeta => false;
    private protected override bool SavesGroups => false;
    private protected override bool SharedAcrossClients => false;

    private protected override async ValueTask<IResultBackend> CreateBackendAsync()
    {
        var backend = new RpcResultBackend(rabbit.Url, Guid.NewGuid().ToString(), TimeSpan.FromMinutes(5), persistent: false, NullLoggerFactory.Instance);
        if (_client is null)
        {
            _client = backend;
            await backend.BeforeSendAsync(CancellationToken.None);
            return backend;
        }
        return new AddressedBackend(backend, _client.ReplyQueue);
    }

    /// <summary>A worker-side backend that sends every meta to one reply queue.</summary>
    private sealed class AddressedBackend(IResultBackend inner, string replyTo) : IResultBackend
    {
        public ValueTask StoreAsync(IReadOnlyList<ResultMeta> results, CancellationToken cancellationToken = default) =>
            inner.StoreAsync(results.Select(m => m.AddressedTo(replyTo, null)).ToList(), cancellationToken);
        public ValueTask<ResultMeta> GetAsync(string taskId, CancellationToken cancellationToken = default) => inner.GetAsync(taskId, cancellationToken);
        public ValueTask<ResultMeta> WaitForReadyAsync(string taskId, CancellationToken cancellationToken) => inner.WaitForReadyAsync(taskId, cancellationToken);
        public ValueTask ForgetAsync(string taskId, CancellationToken cancellationToken = default) => inner.ForgetAsync(taskId, cancellationToken);
        public ValueTask SaveGroupAsync(string groupId, JsonArray resultTuple, CancellationToken cancellationToken = default) => inner.SaveGroupAsync(groupId, resultTuple, cancellationToken);
        public ValueTask<JsonArray?> RestoreGroupAsync(string groupId, CancellationToken cancellationToken = default) => inner.RestoreGroupAsync(groupId, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
