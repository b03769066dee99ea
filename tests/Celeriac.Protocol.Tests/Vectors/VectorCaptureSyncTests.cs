using Celeriac.Protocol.Tests.Support;
using Celeriac.TestSupport;
using Xunit.Abstractions;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>
/// The vectors in <c>tests/vectors</c> are a copy of the folder they were captured into
/// (<c>../shared/protocol/vectors</c> beside the repository root on the machine where the project
/// is developed). Where that folder exists, the copy must be byte for byte the same file set, so a
/// new or corrected capture cannot be missed; on a fresh clone it does not exist and the check has
/// nothing to compare, which it says in its output (a pass, not a skip: nothing is hidden, since
/// there is nothing to be out of step with).
/// </summary>
public class VectorCaptureSyncTests(ITestOutputHelper output)
{
    [Fact]
    public void In_repository_vectors_are_byte_for_byte_the_captured_ones_when_the_capture_folder_is_present()
    {
        var captured = GoldenVectors.CaptureDirectory();
        if (captured is null)
        {
            output.WriteLine($"No capture folder beside the repository ({Path.Combine(GoldenVectors.RepositoryRoot, "..", "shared", "protocol", "vectors")}) " +
                             $"and {GoldenVectors.SharedDirectoryVariable} unset: nothing to compare tests/vectors with (a fresh clone).");
            return;
        }

        var differences = VectorFolderComparison.Differences(GoldenVectors.Directory, captured);
        output.WriteLine($"Compared {GoldenVectors.Directory} with {captured}.");
        differences.Should().BeEmpty(
            "tests/vectors must be a copy of the captures; copy the capture folder's *.json over tests/vectors and commit");
    }

    [Fact]
    public void Comparison_reports_a_changed_a_missing_and_an_extra_file()
    {
        var root = Directory.CreateTempSubdirectory("celeriac-vectors-");
        try
        {
            var ours = Directory.CreateDirectory(Path.Combine(root.FullName, "ours")).FullName;
            var theirs = Directory.CreateDirectory(Path.Combine(root.FullName, "theirs")).FullName;
            File.WriteAllText(Path.Combine(ours, "same.json"), "{}");
            File.WriteAllText(Path.Combine(theirs, "same.json"), "{}");
            File.WriteAllText(Path.Combine(ours, "changed.json"), "{\"a\": 1}");
            File.WriteAllText(Path.Combine(theirs, "changed.json"), "{\"a\":1}");
            File.WriteAllText(Path.Combine(theirs, "new_capture.json"), "{}");
            File.WriteAllText(Path.Combine(ours, "dropped.json"), "{}");

            VectorFolderComparison.Differences(ours, theirs).Should().BeEquivalentTo(
                "changed.json differs",
                "new_capture.json is captured but not in tests/vectors",
                "dropped.json is in tests/vectors but no longer captured");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
