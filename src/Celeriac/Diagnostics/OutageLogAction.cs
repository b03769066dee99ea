namespace Celeriac.Diagnostics;

/// <summary>What <see cref="OutageLog.Failed"/> asks the caller to log.</summary>
internal enum OutageLogAction
{
    /// <summary>The first failure of an outage: log it in full, with its exception.</summary>
    First,

    /// <summary>Still failing, and the interval since the last line has passed: one short line.</summary>
    Repeat,

    /// <summary>Still failing, logged recently: nothing.</summary>
    Quiet,
}
