using System.Collections.Immutable;
using System.Text.Json;
using Composer.Core.Model;

namespace Composer.Core.Tests;

public sealed class JsonTreeTests
{
    // System.Text.Json's reflection serializer (fine under the JIT) is the reference the AOT-safe writer must match.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_what_the_reflection_serializer_writes(bool indented)
    {
        var tree = new Dictionary<string, object?>
        {
            ["name"] = "web <&> \"quoted\" é ✓", ["count"] = 3, ["big"] = 9_000_000_000L, ["ratio"] = 0.25, ["on"] = true,
            ["nothing"] = null, ["when"] = new DateTimeOffset(2026, 11, 23, 15, 24, 2, 123, TimeSpan.Zero),
            ["list"] = new List<object?> { "a", 1, null, new Dictionary<string, object?> { ["k"] = "v" } },
            ["sorted"] = ImmutableSortedDictionary<string, string>.Empty.Add("b", "2").Add("a", "1"),
            ["ports"] = ImmutableArray.Create("80/tcp", "53/udp"),
            ["empty"] = new Dictionary<string, object?>(), ["none"] = new List<object?>(),
        };
        JsonTree.Serialize(tree, indented).Should().Be(JsonSerializer.Serialize(tree, new JsonSerializerOptions { WriteIndented = indented }));
    }

    [Fact]
    public void Refuses_an_object_it_does_not_know_rather_than_guessing()
    {
        var act = () => JsonTree.Serialize(new Dictionary<string, object?> { ["x"] = new Uri("http://localhost") });
        act.Should().Throw<NotSupportedException>();
    }
}
