using Celeriac.Memory;
using Celeriac.Transport;

namespace Celeriac.Compliance;

/// <summary>The <c>memory://</c> transport's fanout against the broadcast suite; each test gets its own broker.</summary>
public sealed class InMemoryBroadcastComplianceTests : BroadcastComplianceTests
{
    private readonly InMemoryBroker _broker = InMemoryBroker.Named(Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    private protected override ValueTask<IBroadcast> CreateBroadcastAsync() => ValueTask.FromResult<IBroadcast>(_broker.CreateTransport());

    /// <inheritdoc />
    protected override Task<IReadOnlyCollection<(string BindingKey, string Queue)>> GetBindingsAsync(string exchange) =>
        Task.FromResult<IReadOnlyCollection<(string BindingKey, string Queue)>>(_broker.BroadcastBindings(exchange).ToList());

    [Fact]
    public async Task Wildcards_follow_amqp_words_in_memory()
    {
        // Where AMQP and Redis globs differ, memory:// is AMQP: '*' is one word, '#' zero or more.
        var exchange = NewExchangeName();
        var star = await SubscribeAsync(exchange, "worker.*");
        var hash = await SubscribeAsync(exchange, "worker.#");
        var middle = await SubscribeAsync(exchange, "*.b.#");

        await PublishAsync(exchange, "worker.a.b");
        var bare = await PublishAsync(exchange, "worker");
        var one = await PublishAsync(exchange, "worker.online");
        var ab = await PublishAsync(exchange, "a.b");

        IdOf(await ReceiveAsync(star)).Should().Be(one);
        IdOf(await ReceiveAsync(hash)).Should().NotBeEmpty(); // worker.a.b
        IdOf(await ReceiveAsync(hash)).Should().Be(bare);
        IdOf(await ReceiveAsync(hash)).Should().Be(one);
        IdOf(await ReceiveAsync(middle)).Should().Be(ab, "'*.b.#' needs a word before b and nothing after");
    }
}
