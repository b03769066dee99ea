using System.Text.Json;

namespace Celeriac.Samples.Tests.Deploy;

/// <summary>A Dockerfile read as text: its instructions with continuation lines joined and comments dropped.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(string name, string text, IReadOnlyList<(string Instruction, string Arguments)> instructions)
    {
        Name = name;
        Text = text;
        Instructions = instructions;
    }

    /// <summary>The file name: <c>worker.Dockerfile</c>.</summary>
    public string Name { get; }

    public string Text { get; }

    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    public static Dockerfile Load(string name)
    {
        var text = File.ReadAllText(RepositoryFiles.Path("deploy", "docker", name));
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)) continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ');
            instructions.Add((full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }
        return new Dockerfile(name, text, instructions);
    }

    public IEnumerable<string> All(string instruction) =>
        Instructions.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

    public string Single(string instruction) => All(instruction).Should().ContainSingle($"{Name} has one {instruction}").Subject;

    /// <summary>COPY instructions from the build context (not <c>--from=</c> a stage): sources and destination.</summary>
    public IEnumerable<(IReadOnlyList<string> Sources, string Destination)> ContextCopies() =>
        All("COPY").Where(a => !a.StartsWith("--from", StringComparison.Ordinal)).Select(a =>
        {
            var parts = a.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return ((IReadOnlyList<string>)parts[..^1], parts[^1]);
        });

    /// <summary>The exec-form ENTRYPOINT, e.g. <c>["dotnet", "WebShop.Worker.dll"]</c>.</summary>
    public IReadOnlyList<string> Entrypoint => JsonSerializer.Deserialize<string[]>(Single("ENTRYPOINT"))!;

    /// <summary>The <c>-t</c> image name of the build command the header comment gives.</summary>
    public string DocumentedImage
    {
        get
        {
            var command = Text.Split('\n').Single(l => l.Contains("docker build", StringComparison.Ordinal));
            command.Should().Contain($"-f deploy/docker/{Name} ", "the documented build command builds this file");
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words[Array.IndexOf(words, "-t") + 1];
        }
    }
}
