using Celeriac.Redis.Resp;
using Celeriac.Transport;

namespace Celeriac.Redis.Transport;

/// <content>Settling in batches (docs/protocol.md §2.4): acks as one ZREM + one HDEL; give-backs as one script call.</content>
internal sealed partial class RedisConsumer
{
    public async ValueTask SettleAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken = default)
    {
        // A delivery handed over before its record answered is given back (or dead-lettered) with what
        // the record wrote (its score guards the move; without waiting, a record landing after the move
        // would leave an unacked entry the sweep restores later); an ack needs only the tag, known in advance.
        foreach (var (delivery, action) in settlements)
            if (MovesTheMessage(action) && _unsettled.TryGetValue(delivery, out var pending)
                && pending.Recording is { IsCompleted: false } recording)
                await recording.ConfigureAwait(false);
        List<RedisArgument>? removed = null;
        List<RedisDeliveryState>? restored = null;
        var back = new RestoreBatch(_layout);
        foreach (var (delivery, action) in settlements)
        {
            if (!_unsettled.TryRemove(delivery, out var state) || !delivery.TryMarkSettled()) continue;
            switch (action)
            {
                case SettleAction.Reject when _deadLetterKey is not null:
                    // Rejected (malformed, or refused by the worker or the task) is kept for a human when a
                    // dead-letter queue is configured, with the reason; its unacked entry goes in the same script.
                    back.Add(state.RecordedTag, state.Score,
                        DeadLetter.Payload(state, delivery.RejectReason ?? delivery.Malformed?.Message ?? "rejected", delivery.Queue),
                        front: false, [_deadLetterKey]);
                    break;
                case SettleAction.Ack or SettleAction.Reject:
                    if (state.TagToRemove is { Length: > 0 } tag) (removed ??= [_layout.UnackedIndex]).Add(tag);
                    break;
                case SettleAction.Requeue:
                    // kombu's basic_reject(requeue=True): LPUSH, the back of the queue, marked redelivered.
                    back.Add(state.RecordedTag, state.Score, state.RedeliveryPayload(), front: false, [state.SourceKey]);
                    break;
                case SettleAction.Restore:
                    (restored ??= []).Add(state);
                    break;
            }
        }
        // kombu's restore: RPUSH, the front. Pushing the last delivered first leaves the first
        // delivered at the very front, so restored messages keep their delivery order.
        if (restored is not null)
            foreach (var state in restored.OrderByDescending(s => s.Sequence))
                back.Add(state.RecordedTag, state.Score, state.RedeliveryPayload(), front: true, [state.SourceKey]);

        var commands = new List<RedisCommand>(3);
        if (removed is not null)
        {
            commands.Add(new RedisCommand("ZREM", [.. removed]));
            removed[0] = _layout.Unacked;
            commands.Add(new RedisCommand("HDEL", [.. removed]));
        }
        if (back.FirstCommand() is { } restoreCommand) commands.Add(restoreCommand);
        if (commands.Count == 0) return;

        // Not cancellable: once sent, the settlement happens, and the deliveries are already marked settled.
        var replies = await _redis.ExecuteBatchAsync(commands, CancellationToken.None).ConfigureAwait(false);
        var acks = removed is null ? 0 : 2;
        for (var i = 0; i < acks; i++)
            if (replies[i].IsError) throw new RedisServerException(replies[i].AsString()!);
        if (back.Count > 0) await back.RunAsync(_redis, replies[acks]).ConfigureAwait(false);
    }

    // Requeue, Restore, and a Reject when a dead-letter list is configured, move the message with a script.
    private bool MovesTheMessage(SettleAction action) =>
        action is SettleAction.Requeue or SettleAction.Restore || (action == SettleAction.Reject && _deadLetterKey is not null);
}
