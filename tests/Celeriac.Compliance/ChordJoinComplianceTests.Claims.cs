using Celeriac.Backends;

namespace Celeriac.Compliance;

/// <summary>
/// The claim on sending a chord's body (<see cref="ChordClaim"/>): the completing add holds it; a
/// duplicate add (the completing part, redelivered because its worker died) takes it over only
/// once the lease has passed, only once, and never after the join was deleted or closed. Times
/// are given explicitly, so no test waits.
/// </summary>
public abstract partial class ChordJoinComplianceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static ChordClaim At(TimeSpan after) => new(T0 + after, Lease);

    [Fact]
    public async Task A_duplicate_of_the_completing_part_takes_the_body_over_only_after_the_lease_and_only_once()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 2);
        (await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.Zero))).ShouldSendBody.Should().BeFalse();
        var completing = await Join.AddChordPartAsync(groupId, 1, Part(1), At(TimeSpan.FromSeconds(1)));

        var early = await AsJoin(_backends[1]).AddChordPartAsync(groupId, 1, Part(1), At(TimeSpan.FromSeconds(30.5)));
        var late = await AsJoin(_backends[1]).AddChordPartAsync(groupId, 1, Part(1), At(TimeSpan.FromSeconds(31)));
        var again = await Join.AddChordPartAsync(groupId, 1, Part(1), At(TimeSpan.FromSeconds(32)));

        completing.Should().Be(new ChordProgress(2, 2, 0));
        completing.ShouldSendBody.Should().BeTrue();
        early.Should().Be(new ChordProgress(2, 2, 0, Added: false), "within the lease the claim holds: the first sender may still be sending");
        late.Should().Be(new ChordProgress(2, 2, 0, Added: false, TookOver: true));
        late.ShouldSendBody.Should().BeTrue("the claim is 30 s old and the join was never deleted: its sender died");
        again.ShouldSendBody.Should().BeFalse("the take-over renewed the claim");
        (await Join.GetChordPartsAsync(groupId)).Should().HaveCount(2, "a take-over adds no part");
    }

    [Fact]
    public async Task Any_duplicate_part_may_take_over_and_a_later_lease_can_pass_again()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 2);
        await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.Zero));
        (await Join.AddChordPartAsync(groupId, 1, Part(1), At(TimeSpan.Zero))).IsComplete.Should().BeTrue();

        var first = await Join.AddChordPartAsync(groupId, 0, Part(0), At(Lease));
        var second = await Join.AddChordPartAsync(groupId, 1, Part(1), At(Lease + Lease));

        first.TookOver.Should().BeTrue("whichever part comes back after the lease finds the body unsent");
        second.TookOver.Should().BeTrue("the taker died too: a lease after its claim, the next duplicate takes over");
    }

    [Fact]
    public async Task Concurrent_duplicates_after_the_lease_take_over_exactly_once()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 1);
        (await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.Zero))).IsComplete.Should().BeTrue();
        var joins = _backends.Select(AsJoin).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            await Task.Yield();
            return await joins[i % joins.Count].AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.FromMinutes(5)));
        }));

        results.Count(r => r.ShouldSendBody).Should().Be(1);
    }

    [Fact]
    public async Task A_deleted_join_is_never_taken_over()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 1);
        (await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.Zero))).IsComplete.Should().BeTrue();
        await Join.DeleteChordAsync(groupId); // the body was sent

        var redelivered = await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.FromHours(1)));

        redelivered.ShouldSendBody.Should().BeFalse();
        redelivered.Should().Be(new ChordProgress(1, null, 0));
    }

    [Fact]
    public async Task A_closed_join_is_never_taken_over()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 1);
        (await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.Zero))).IsComplete.Should().BeTrue();
        await AsJoin(_backends[1]).CloseChordAsync(groupId); // the body failed with a ChordError; the keys stay

        var redelivered = await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.FromHours(1)));

        redelivered.ShouldSendBody.Should().BeFalse("the body was dealt with");
        redelivered.Should().Be(new ChordProgress(1, 1, 0, Added: false));
        (await Join.GetChordPartsAsync(groupId)).Should().HaveCount(1, "closing keeps the parts, as Celery leaves them after a ChordError");
        await Join.CloseChordAsync(ComplianceResults.NewId()); // nothing there: no error
    }

    [Fact]
    public async Task Parts_that_do_not_complete_the_header_claim_nothing()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 3);
        await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.Zero));

        var duplicate = await Join.AddChordPartAsync(groupId, 0, Part(0), At(TimeSpan.FromHours(1)));

        duplicate.ShouldSendBody.Should().BeFalse("the header is not complete: there is no body to send yet");
    }
}
