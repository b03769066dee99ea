namespace Celeriac.Beat.Store;

/// <summary>What a publish did: how many runs were sent and which were skipped as already recorded.</summary>
internal sealed record BeatPublishResult(int Published, IReadOnlyList<BeatRun> Duplicates);
