using Composer.Core.Loading;
using Composer.Core.Loading.Yaml;
using Composer.Core.Model;

namespace Composer.Core.Tests;

/// <summary>Issue 12, case 4: bounded work on hostile input, and names Compose would refuse.</summary>
public sealed class InputLimitsTests
{
    private static LoadResult Load(string yaml, string? projectName = null) =>
        new ProjectLoader(new MemoryFileSource(new Dictionary<string, string> { ["/p/compose.yaml"] = yaml }))
            .Load(new ProjectOptions { WorkingDirectory = "/p", ProjectName = projectName });

    [Fact]
    public void Interpolation_nested_beyond_the_bound_is_an_error()
    {
        var deep = string.Concat(Enumerable.Repeat("${X:-", 20_000)) + "v" + new string('}', 20_000);
        var result = Interpolation.Apply(deep, _ => null);
        result.Error.Should().Contain($"nested more than {InputLimits.MaxInterpolationNesting} levels");
    }

    [Fact]
    public void Interpolation_nested_within_the_bound_still_works()
    {
        var nested = string.Concat(Enumerable.Repeat("${X:-", InputLimits.MaxInterpolationNesting)) + "v" + new string('}', InputLimits.MaxInterpolationNesting);
        Interpolation.Apply(nested, _ => null).Value.Should().Be("v");
    }

    [Theory]
    [InlineData("UPPER", "lowercase letters")]
    [InlineData("-dash", "start with a letter or digit")]
    public void Explicit_project_names_follow_Composes_rule(string name, string says)
    {
        var result = Load("services:\n  a:\n    image: x\n", name);
        result.Success.Should().BeFalse();
        result.Diagnostics.Should().Contain(d => d.Message.Contains(says));
    }

    [Fact]
    public void A_project_name_from_the_file_is_bounded_in_length()
    {
        var result = Load($"name: {new string('a', Project.MaxNameLength + 1)}\nservices:\n  a:\n    image: x\n");
        result.Success.Should().BeFalse();
        result.Diagnostics.Should().Contain(d => d.Code == "project.name" && d.Message.Contains($"more than the {Project.MaxNameLength} allowed"));
        Load($"name: {new string('a', Project.MaxNameLength)}\nservices:\n  a:\n    image: x\n").Success.Should().BeTrue();
    }

    [Fact]
    public void A_large_mapping_finds_every_key_and_keeps_the_first_of_a_repeated_one()
    {
        var at = new Diagnostics.SourcePosition("f", 1, 1);
        var entries = Enumerable.Range(0, 1000).Select(i => new YEntry(new YScalar(at, $"k{i}", false), new YScalar(at, $"v{i}", false)))
            .Append(new YEntry(new YScalar(at, "k7", false), new YScalar(at, "later", false))).ToList();
        var mapping = new YMapping(at, entries);
        mapping["k999"].Should().BeOfType<YScalar>().Which.Value.Should().Be("v999");
        mapping["k7"].Should().BeOfType<YScalar>().Which.Value.Should().Be("v7");
        mapping["missing"].Should().BeNull();
    }
}
