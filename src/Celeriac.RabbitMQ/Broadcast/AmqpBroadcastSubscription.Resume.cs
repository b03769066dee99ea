using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Celeriac.RabbitMQ.Broadcast;

/// <content>
/// Resuming: a channel that closes under a live subscription (connection lost, broker restarted,
/// channel error) or a consumer the broker cancelled (queue deleted) schedules one resume loop that
/// declares and consumes again on a new channel, pausing 0.1 s, 0.2 s, … up to 5 s between tries.
/// </content>
internal sealed partial class AmqpBroadcastSubscription
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>The broker cancelled our consumer (on the library's dispatch thread).</summary>
    internal void OnCancelledByBroker(IChannel channel)
    {
        if (Volatile.Read(ref _disposed) != 0 || !ReferenceEquals(channel, _channel)) return;
        _logger.LogWarning("RabbitMQ cancelled the consumer of {Queue}; consuming it again", _queue);
        ScheduleResume();
    }

    private Task OnChannelShutdownAsync(IChannel channel, ShutdownEventArgs e)
    {
        if (Volatile.Read(ref _disposed) != 0 || !ReferenceEquals(channel, _channel)) return Task.CompletedTask;
        _logger.LogInformation("The channel of {Queue} closed ({Code} {Reason}); subscribing again", _queue, e.ReplyCode, e.ReplyText);
        ScheduleResume();
        return Task.CompletedTask;
    }

    private void ScheduleResume()
    {
        if (Interlocked.CompareExchange(ref _resumeScheduled, 1, 0) != 0) return;
        _resuming = Task.Run(ResumeAsync);
    }

    private async Task ResumeAsync()
    {
        var token = _disposing.Token;
        var pause = FirstPause;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(pause, token).ConfigureAwait(false);
                await _gate.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            IChannel? attached = null;
            try
            {
                await CloseQuietlyAsync(_channel).ConfigureAwait(false);
                _channel = null;
                await AttachAsync(token).ConfigureAwait(false);
                attached = _channel;
                _logger.LogInformation("Consuming {Queue} again", _queue);
            }
            catch (ObjectDisposedException)
            {
                // The transport (and its connection) is gone: the subscription ends.
                _messages.Writer.TryComplete();
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (token.IsCancellationRequested) return;
                _logger.LogDebug("Subscribing {Queue} again failed ({Reason}); retrying in {Pause}", _queue, e.Message, pause);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                continue;
            }
            finally
            {
                _gate.Release();
            }
            Volatile.Write(ref _resumeScheduled, 0);
            // Closed again between attaching and clearing the flag: its shutdown was ignored, so go round once more.
            if (attached is not { IsOpen: true }) ScheduleResume();
            return;
        }
    }
}
