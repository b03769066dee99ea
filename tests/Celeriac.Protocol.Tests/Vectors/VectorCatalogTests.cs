using Celeriac.Protocol.Tests.Support;

namespace Celeriac.Protocol.Tests.Vectors;

/// <summary>The golden tests must see the vectors (tests/vectors) and claim every one of them.</summary>
public class VectorCatalogTests
{
    [Fact]
    public void Vector_directory_is_found_in_the_repository_and_not_empty()
    {
        Directory.Exists(VectorDirectory.Path).Should().BeTrue();
        VectorCatalog.AllFiles().Should().NotBeEmpty("the golden tests are worthless without captures");
    }

    [Fact]
    public void Every_vector_file_is_claimed_by_a_category()
    {
        var claimed = VectorCatalog.Claims().Select(c => c.File).ToHashSet(StringComparer.Ordinal);
        var unclaimed = VectorCatalog.AllFiles().Where(f => !claimed.Contains(f)).ToList();
        unclaimed.Should().BeEmpty("a new capture needs a test that reads it; add it to VectorCatalog");
    }

    [Fact]
    public void No_vector_file_is_claimed_twice()
    {
        var twice = VectorCatalog.Claims().GroupBy(c => c.File).Where(g => g.Count() > 1).Select(g => g.Key);
        twice.Should().BeEmpty();
    }

    [Fact]
    public void One_off_files_named_by_the_catalog_exist()
    {
        var all = VectorCatalog.AllFiles();
        all.Should().Contain(VectorCatalog.OneOffFiles(), "a renamed capture would otherwise drop out of the suite");
    }

    [Fact]
    public void Every_prefix_category_has_files()
    {
        VectorCatalog.TaskFiles().Should().NotBeEmpty();
        VectorCatalog.ResultMetaFiles().Should().NotBeEmpty();
        VectorCatalog.EventFiles().Should().NotBeEmpty();
        VectorCatalog.ControlFiles().Should().NotBeEmpty();
    }

    [Fact]
    public void Every_file_carries_name_and_description()
    {
        foreach (var file in VectorCatalog.AllFiles())
        {
            var v = Vector.Load(file);
            v.Str("name").Should().Be(file, "the file name and its 'name' field identify the same capture");
            v.Str("description").Should().NotBeNullOrWhiteSpace();
        }
    }
}
