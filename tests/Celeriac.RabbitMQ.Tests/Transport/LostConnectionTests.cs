using Celeriac.RabbitMQ.Transport;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Celeriac.RabbitMQ.Tests.Transport;

/// <summary>Which interruptions a declare may retry on a new channel: a lost connection, never a refusal.</summary>
public sealed class LostConnectionTests
{
    [Fact]
    public void The_library_closing_the_connection_over_a_message_it_cannot_parse_is_a_lost_connection()
    {
        // What RabbitMQ.Client raised in a declare when a consumer on the same connection got a header of type 'L'.
        var error = new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Library, 502, "Unrecognised type in table: L"));
        LostConnection.Caused(error).Should().BeTrue();
    }

    [Fact]
    public void A_broker_closing_the_connection_for_its_own_reasons_is_a_lost_connection()
    {
        var error = new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED - broker forced connection closure"));
        LostConnection.Caused(error).Should().BeTrue();
    }

    [Fact]
    public void A_channel_already_closed_is_a_lost_connection()
    {
        var error = new AlreadyClosedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED"));
        LostConnection.Caused(error).Should().BeTrue();
    }

    [Theory]
    [InlineData(406, 40, 10)] // PRECONDITION_FAILED answering exchange.declare
    [InlineData(406, 50, 10)] // PRECONDITION_FAILED answering queue.declare
    [InlineData(404, 50, 10)] // NOT_FOUND answering a passive queue.declare
    public void A_refusal_answering_the_method_is_the_callers_error(ushort code, ushort classId, ushort methodId)
    {
        var error = new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Peer, code, "refused", classId, methodId));
        LostConnection.Caused(error).Should().BeFalse();
    }
}
