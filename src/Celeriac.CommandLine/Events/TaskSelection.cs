namespace Celeriac.CommandLine.Events;

/// <summary>What a key did in the live view.</summary>
internal enum KeyOutcome
{
    None,
    Quit,
}

/// <summary>
/// The live view's selection: which task is selected (by id, so it stays on its task while newer ones push it
/// down) and whether its details are shown; moved by the keys.
/// </summary>
internal sealed class TaskSelection
{
    private IReadOnlyList<string> _ids = [];

    public string? SelectedId { get; private set; }

    public bool ShowDetail { get; private set; }

    /// <summary>Takes the tasks on screen now, newest first; a selected task that is gone selects nothing.</summary>
    public void Keep(IReadOnlyList<Celeriac.Events.TaskSnapshot> tasks)
    {
        _ids = tasks.Select(t => t.Id).ToList();
        if (SelectedId is not null && !_ids.Contains(SelectedId))
        {
            SelectedId = null;
            ShowDetail = false;
        }
    }

    public KeyOutcome Press(ConsoleKeyInfo key)
    {
        if (key.KeyChar is 'q' or 'Q' || (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control))) return KeyOutcome.Quit;
        if (ShowDetail)
        {
            if (key.Key is ConsoleKey.Escape or ConsoleKey.Enter or ConsoleKey.Backspace || key.KeyChar is 'i') ShowDetail = false;
            return KeyOutcome.None;
        }
        switch (key.Key)
        {
            case ConsoleKey.DownArrow or ConsoleKey.J: Move(+1); break;
            case ConsoleKey.UpArrow or ConsoleKey.K: Move(-1); break;
            case ConsoleKey.Enter or ConsoleKey.I:
                if (SelectedId is null) Move(+1); // nothing selected: the newest task
                ShowDetail = SelectedId is not null;
                break;
            case ConsoleKey.Escape: SelectedId = null; break;
        }
        return KeyOutcome.None;
    }

    private void Move(int by)
    {
        if (_ids.Count == 0) return;
        var at = SelectedId is null ? -1 : IndexOf(SelectedId);
        SelectedId = _ids[Math.Clamp(at < 0 && by < 0 ? 0 : at + by, 0, _ids.Count - 1)];
    }

    private int IndexOf(string id)
    {
        for (var i = 0; i < _ids.Count; i++) if (_ids[i] == id) return i;
        return -1;
    }
}
