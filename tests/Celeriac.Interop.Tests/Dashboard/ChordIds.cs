namespace Celeriac.Interop.Tests.Dashboard;

/// <summary>A chord's ids: its body's and its header members' in order.</summary>
internal sealed record ChordIds(string Body, IReadOnlyList<string> Header);
