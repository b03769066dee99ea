using System.Reflection;
using System.Runtime.CompilerServices;

namespace Celeriac.Packaging.Tests;

/// <summary>
/// The public types of each package, pinned: adding or removing one is a conscious change to
/// <c>PublicApi/&lt;assembly&gt;.txt</c> (docs/architecture.md, "Public API"). Run with
/// <c>CELERIAC_ACCEPT_API=1</c> to rewrite the lists from the built assemblies, then review the diff.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Assemblies() =>
    [
        typeof(Celeriac.Protocol.Results.ResultMeta).Assembly.GetName().Name!,
        typeof(CeleriacApp).Assembly.GetName().Name!,
        typeof(RedisCeleriacOptionsExtensions).Assembly.GetName().Name!,
        typeof(RabbitMqCeleriacOptionsExtensions).Assembly.GetName().Name!,
        typeof(Celeriac.Testing.CeleriacTestHarness).Assembly.GetName().Name!,
        typeof(OpenTelemetryCeleriacOptionsExtensions).Assembly.GetName().Name!,
        "Celeriac.CommandLine",
        typeof(Celeriac.Dashboard.Store.IDashboardStore).Assembly.GetName().Name!,
        "Celeriac.Cli", // the tool: no public types
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void The_public_types_are_the_approved_ones(string assemblyName)
    {
        var actual = PublicTypes(Assembly.Load(assemblyName));
        var file = Path.Combine(AppContext.BaseDirectory, "PublicApi", assemblyName + ".txt");
        if (Environment.GetEnvironmentVariable("CELERIAC_ACCEPT_API") == "1")
        {
            File.WriteAllLines(Path.Combine(SourceDirectory(), "PublicApi", assemblyName + ".txt"), actual);
            return;
        }
        var approved = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList() : [];

        var added = actual.Except(approved).ToList();
        var removed = approved.Except(actual).ToList();
        (added.Count + removed.Count).Should().Be(0,
            $"the public types of {assemblyName} are pinned in tests/Celeriac.Packaging.Tests/PublicApi/{assemblyName}.txt; " +
            $"newly public: [{string.Join(", ", added)}]; no longer public: [{string.Join(", ", removed)}]. " +
            "Make a type public only when a user needs it; if so, update the list (CELERIAC_ACCEPT_API=1 rewrites it)");
    }

    /// <summary>Every type visible outside its assembly (nested public types too), by full name, sorted.</summary>
    internal static List<string> PublicTypes(Assembly assembly) =>
        assembly.GetExportedTypes().Select(Name).Order(StringComparer.Ordinal).ToList();

    /// <summary><c>Celeriac.Results.AsyncResult&lt;T&gt;</c>, <c>Outer.Inner</c>: the name as C# writes it.</summary>
    private static string Name(Type type)
    {
        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        var tick = name.IndexOf('`');
        if (tick < 0) return name;
        var own = type.GetGenericArguments().Skip(type.DeclaringType?.GetGenericArguments().Length ?? 0);
        return name[..tick] + "<" + string.Join(", ", own.Select(a => a.Name)) + ">";
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
