using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Celeriac.Tests.TypedSends;

/// <summary>
/// Compiles a C# snippet against the Celeriac assembly under test, as a user's project would, so a
/// test can prove that a call does not compile (and with which error).
/// </summary>
internal static class SnippetCompiler
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        // The runtime's own assemblies, plus Celeriac's (they may not be in the trusted list).
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var celeriac = new[] { typeof(CeleriacApp).Assembly.Location, typeof(Protocol.Messages.TaskMessage).Assembly.Location };
        return platform.Concat(celeriac).Distinct().Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray();
    });

    /// <summary>The errors of compiling <paramref name="body"/> inside an async method where <c>app</c> is a <see cref="CeleriacApp"/>.</summary>
    public static IReadOnlyList<Diagnostic> Errors(string body)
    {
        var source = $$"""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using Celeriac;
            using Celeriac.Tasks;
            using Celeriac.Canvas;

            public static class Snippet
            {
                public static async Task RunAsync(CeleriacApp app)
                {
            {{body}}
                }
            }
            """;
        var compilation = CSharpCompilation.Create("Snippet",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }
}
