using System.Text.Json.Nodes;
using Celeriac.Backends;
using Celeriac.Protocol.Results;

namespace Celeriac.Compliance;

/// <summary>
/// What every backend with a native chord join (<see cref="IChordJoin"/>, docs/protocol.md §4.8) must do: count
/// finished header parts atomically against the recorded size plus extras, so that exactly one
/// add — the last — sees <see cref="ChordProgress.IsComplete"/>, and hand the parts back ordered by
/// group index. A backend subclasses it by saying how to connect; every call of the factory must
/// return a new backend on the same store (parallel adds go through several of them, as they
/// would from several workers).
/// </summary>
public abstract partial class ChordJoinComplianceTests : IAsyncLifetime
{
    private readonly List<IResultBackend> _backends = [];

    /// <summary>Connects a new backend to the store under test.</summary>
    private protected abstract ValueTask<IResultBackend> CreateBackendAsync();

    /// <summary>The join of the first backend.</summary>
    private protected IChordJoin Join => AsJoin(_backends[0]);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _backends.Add(await CreateBackendAsync());
        _backends.Add(await CreateBackendAsync());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var backend in _backends) await backend.DisposeAsync();
    }

    [Fact]
    public void The_backend_offers_a_native_join()
    {
        _backends[0].Should().BeAssignableTo<IChordJoin>("a worker looks for IChordJoin on the app's backend to run the join");
    }

    [Fact]
    public async Task Only_the_last_part_completes_the_chord()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 3);

        var progress = new List<ChordProgress>();
        for (var i = 0; i < 3; i++) progress.Add(await Join.AddChordPartAsync(groupId, i, Part(i)));

        progress.Should().Equal(new ChordProgress(1, 3, 0), new ChordProgress(2, 3, 0), new ChordProgress(3, 3, 0));
        progress.Select(p => p.IsComplete).Should().Equal(false, false, true);
    }

    [Fact]
    public async Task Parts_before_the_size_is_recorded_do_not_complete()
    {
        var groupId = ComplianceResults.NewId();

        var first = await Join.AddChordPartAsync(groupId, 0, Part(0));
        await Join.SetChordSizeAsync(groupId, 2);
        var second = await Join.AddChordPartAsync(groupId, 1, Part(1));

        first.Should().Be(new ChordProgress(1, null, 0));
        first.IsComplete.Should().BeFalse("without a size nobody knows the header is done");
        second.IsComplete.Should().BeTrue();
    }

    [Fact]
    public async Task Extra_parts_raise_the_count_needed()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 2);
        await Join.AddChordExtraAsync(groupId, 1);
        await Join.AddChordExtraAsync(groupId, 2);

        var progress = new List<ChordProgress>();
        for (var i = 0; i < 5; i++) progress.Add(await Join.AddChordPartAsync(groupId, i, Part(i)));

        progress[^1].Should().Be(new ChordProgress(5, 2, 3));
        progress.Select(p => p.IsComplete).Should().Equal(false, false, false, false, true);
    }

    [Fact]
    public async Task Parallel_parts_complete_the_chord_exactly_once()
    {
        const int size = 50;
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, size);
        _backends.Add(await CreateBackendAsync());
        var joins = _backends.Select(AsJoin).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var adds = Enumerable.Range(0, size).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await joins[i % joins.Count].AddChordPartAsync(groupId, i, Part(i));
        })).ToList();
        start.SetResult();
        var progress = await Task.WhenAll(adds);

        progress.Count(p => p.IsComplete).Should().Be(1, "two workers finishing together must not both send the body");
        progress.Select(p => p.Ready).Should().BeEquivalentTo(Enumerable.Range(1, size).Select(n => (long)n),
            "each add sees the parts added before it and its own");
        (await Join.GetChordPartsAsync(groupId)).Should().HaveCount(size);
    }

    [Fact]
    public async Task A_part_added_again_with_the_same_result_is_a_duplicate_that_never_completes()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 2);

        var first = await Join.AddChordPartAsync(groupId, 0, Part(0));
        var again = await Join.AddChordPartAsync(groupId, 0, Part(0));
        var last = await Join.AddChordPartAsync(groupId, 1, Part(1));
        // The last header task redelivered after it completed the chord (its worker died before the ack).
        var lastAgain = await AsJoin(_backends[1]).AddChordPartAsync(groupId, 1, Part(1));

        first.Should().Be(new ChordProgress(1, 2, 0, Added: true));
        again.Should().Be(new ChordProgress(1, 2, 0, Added: false));
        again.IsDuplicate.Should().BeTrue();
        last.IsComplete.Should().BeTrue();
        lastAgain.Should().Be(new ChordProgress(2, 2, 0, Added: false));
        lastAgain.IsComplete.Should().BeFalse("the count equals the total, but this add brought nothing in: the body was already sent");
        (await Join.GetChordPartsAsync(groupId)).Select(p => p.TaskId).Should().Equal(TaskId(0), TaskId(1));
    }

    [Fact]
    public async Task A_part_added_again_with_a_different_result_keeps_the_first_and_does_not_over_count()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 3);
        var rerun = Rerun(1, new JsonObject { ["i"] = 1, ["square"] = 1, ["rerun"] = true });
        var failedRerun = ComplianceResults.Failure(TaskId(2));

        await Join.AddChordPartAsync(groupId, 0, Part(0));
        await Join.AddChordPartAsync(groupId, 1, Part(1));
        var differentResult = await Join.AddChordPartAsync(groupId, 1, rerun);
        var completing = await Join.AddChordPartAsync(groupId, 2, Part(2));
        var differentState = await Join.AddChordPartAsync(groupId, 2, failedRerun);
        var parts = await Join.GetChordPartsAsync(groupId);

        differentResult.Should().Be(new ChordProgress(2, 3, 0, Added: false), "Python's ZADD would add a second member for the task and count 3");
        completing.IsComplete.Should().BeTrue();
        differentState.Should().Be(new ChordProgress(3, 3, 0, Added: false));
        parts.Should().HaveCount(3);
        parts.Select(p => p.State).Should().Equal(TaskStates.Success, TaskStates.Success, TaskStates.Success);
        parts[1].Result!.ToJsonString().Should().Be(Part(1).Result!.ToJsonString(), "the first result in stays");
    }

    [Fact]
    public async Task A_part_without_a_group_index_is_also_added_once()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 2);

        var first = await Join.AddChordPartAsync(groupId, null, Part(7));
        var again = await Join.AddChordPartAsync(groupId, null, Rerun(7, "changed"));
        var last = await Join.AddChordPartAsync(groupId, null, Part(8));

        (first.Added, again.Added, last.Added).Should().Be((true, false, true));
        again.Ready.Should().Be(1);
        last.IsComplete.Should().BeTrue();
        (await Join.GetChordPartsAsync(groupId)).Select(p => p.TaskId).Should().Equal(TaskId(7), TaskId(8));
    }

    [Fact]
    public async Task Duplicates_do_not_stand_in_for_extra_parts()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 2);
        await Join.AddChordExtraAsync(groupId, 1);

        var progress = new List<ChordProgress>
        {
            await Join.AddChordPartAsync(groupId, 0, Part(0)),
            await Join.AddChordPartAsync(groupId, 1, Part(1)),
            await Join.AddChordPartAsync(groupId, 1, Part(1)),
            await Join.AddChordPartAsync(groupId, 0, Part(0)),
            await Join.AddChordPartAsync(groupId, 2, Part(2)),
        };

        progress.Select(p => p.Ready).Should().Equal(1, 2, 2, 2, 3);
        progress.Select(p => p.IsComplete).Should().Equal(false, false, false, false, true);
        progress[^1].Should().Be(new ChordProgress(3, 2, 1));
    }

    [Fact]
    public async Task Parallel_parts_with_redelivered_duplicates_complete_the_chord_exactly_once()
    {
        const int size = 50;
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, size);
        _backends.Add(await CreateBackendAsync());
        var joins = _backends.Select(AsJoin).ToList();
        // Every part once; every fifth three times, one of them with a different result (a rerun).
        var adds = Enumerable.Range(0, size).Select(i => (Index: i, Part: Part(i)))
            .Concat(Enumerable.Range(0, size).Where(i => i % 5 == 0).SelectMany(i => new[]
            {
                (Index: i, Part: Part(i)),
                (Index: i, Part: Rerun(i, new JsonObject { ["rerun"] = i })),
            }))
            .OrderBy(a => (a.Index * 7919) % 61) // interleave duplicates with first adds
            .ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var running = adds.Select((a, n) => Task.Run(async () =>
        {
            await start.Task;
            return await joins[n % joins.Count].AddChordPartAsync(groupId, a.Index, a.Part);
        })).ToList();
        start.SetResult();
        var progress = await Task.WhenAll(running);
        var parts = await Join.GetChordPartsAsync(groupId);

        progress.Should().HaveCount(size + 2 * (size / 5));
        progress.Count(p => p.IsComplete).Should().Be(1, "duplicates and concurrent adds must not send the body twice");
        progress.Count(p => p.Added).Should().Be(size, "each task's part is added once");
        progress.Where(p => p.Added).Select(p => p.Ready).Should().BeEquivalentTo(Enumerable.Range(1, size).Select(n => (long)n));
        progress.Max(p => p.Ready).Should().Be(size, "nothing is over-counted");
        parts.Select(p => p.TaskId).Should().Equal(Enumerable.Range(0, size).Select(TaskId), "parts come back by group index");
    }

    [Fact]
    public async Task A_part_redelivered_after_the_join_was_deleted_does_not_complete_it_again()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 1);
        (await Join.AddChordPartAsync(groupId, 0, Part(0))).IsComplete.Should().BeTrue();
        await Join.DeleteChordAsync(groupId); // the body was sent

        var redelivered = await Join.AddChordPartAsync(groupId, 0, Part(0));

        redelivered.IsComplete.Should().BeFalse("without the size nobody can complete the chord again");
    }

    [Fact]
    public async Task Parts_come_back_ordered_by_group_index_with_unindexed_ones_last()
    {
        var groupId = ComplianceResults.NewId();
        var failure = ComplianceResults.Failure(ComplianceResults.NewId());
        var unindexed = Part(99);
        await Join.SetChordSizeAsync(groupId, 4);

        await Join.AddChordPartAsync(groupId, null, unindexed);
        await Join.AddChordPartAsync(groupId, 2, Part(2));
        await Join.AddChordPartAsync(groupId, 0, Part(0));
        var last = await Join.AddChordPartAsync(groupId, 1, failure);
        var parts = await AsJoin(_backends[1]).GetChordPartsAsync(groupId);

        last.IsComplete.Should().BeTrue();
        parts.Select(p => p.TaskId).Should().Equal(TaskId(0), failure.TaskId, TaskId(2), unindexed.TaskId);
        parts.Select(p => p.State).Should().Equal(TaskStates.Success, TaskStates.Failure, TaskStates.Success, TaskStates.Success);
        parts[0].Result!.ToJsonString().Should().Be(Part(0).Result!.ToJsonString());
        JsonNode.DeepEquals(parts[1].Result, failure.Result).Should().BeTrue("the exception object is kept for the ChordError");
        ExceptionInfo.FromJson(parts[1].Result)!.Type.Should().Be("ValueError");
    }

    [Fact]
    public async Task Deleting_the_join_forgets_size_extras_and_parts()
    {
        var groupId = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(groupId, 1);
        await Join.AddChordExtraAsync(groupId, 1);
        await Join.AddChordPartAsync(groupId, 0, Part(0));

        await Join.DeleteChordAsync(groupId);

        (await Join.GetChordPartsAsync(groupId)).Should().BeEmpty();
        (await Join.AddChordPartAsync(groupId, 0, Part(0))).Should().Be(new ChordProgress(1, null, 0));
        await Join.DeleteChordAsync(ComplianceResults.NewId()); // nothing there: no error
    }

    [Fact]
    public async Task Unknown_group_has_no_parts()
    {
        (await Join.GetChordPartsAsync(ComplianceResults.NewId())).Should().BeEmpty();
    }

    [Fact]
    public async Task Joins_of_different_groups_are_independent()
    {
        var a = ComplianceResults.NewId();
        var b = ComplianceResults.NewId();
        await Join.SetChordSizeAsync(a, 1);
        await Join.SetChordSizeAsync(b, 2);

        (await Join.AddChordPartAsync(b, 0, Part(0))).IsComplete.Should().BeFalse();
        (await Join.AddChordPartAsync(a, 0, Part(1))).IsComplete.Should().BeTrue();
        (await Join.GetChordPartsAsync(b)).Select(p => p.TaskId).Should().Equal(TaskId(0));
    }

    /// <summary>The join of a backend, as a worker finds it.</summary>
    private protected static IChordJoin AsJoin(IResultBackend backend) =>
        backend as IChordJoin ?? throw new InvalidOperationException($"{backend.GetType().Name} has no native chord join");

    /// <summary>A header part: a SUCCESS returning <paramref name="i"/> squared, with a stable id per index.</summary>
    protected static ResultMeta Part(int i) => new()
    {
        TaskId = TaskId(i),
        Status = TaskStates.Success,
        Result = new JsonObject { ["i"] = i, ["square"] = i * i },
        DateDone = ComplianceResults.DateDone,
    };

    /// <summary>Part <paramref name="i"/> run again (a redelivery) with another result.</summary>
    private static ResultMeta Rerun(int i, JsonNode result) => new()
    {
        TaskId = TaskId(i),
        Status = TaskStates.Success,
        Result = result,
        DateDone = ComplianceResults.DateDone,
    };

    private static string TaskId(int i) => $"c0000000-0000-4000-8000-{i:D12}";
}
