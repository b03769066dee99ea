namespace DashboardDemo;

/// <summary>The demo's own options, read off the command line; the rest goes to the web host (--urls …).</summary>
internal sealed record DemoSettings(string BrokerUrl, bool ReadOnly, bool Producer, string StorePath, string[] HostArgs)
{
    public static DemoSettings? Parse(string[] args)
    {
        // A named in-memory broker: its queues are this demo's alone even beside another app in the same process.
        var broker = "memory://dashboard-demo";
        var readOnly = false;
        var producer = true;
        string? store = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-b" or "--broker" when i + 1 < args.Length: broker = args[++i]; break;
                case "--store" when i + 1 < args.Length: store = args[++i]; break;
                case "--read-only": readOnly = true; break;
                case "--no-producer": producer = false; break;
                case "-h" or "--help": return null;
                default: rest.Add(args[i]); break;
            }
        }
        // History in the temp folder, not the repository: it survives a restart (the point of the store), not a reboot's cleanup.
        store ??= Path.Combine(Path.GetTempPath(), "celeriac-dashboard-demo.db");
        return new DemoSettings(broker, readOnly, producer, store, [.. rest]);
    }
}
