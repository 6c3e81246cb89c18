using System.Text.RegularExpressions;

namespace Composer.Core.Tests.Engine;

/// <summary>Core's folders depend on each other in one direction only (read from their using directives).</summary>
public partial class LayeringTests
{
    [GeneratedRegex(@"^using Composer\.Core\.(\w+);", RegexOptions.Multiline)]
    private static partial Regex CoreUsing();

    [Fact]
    public void Core_folders_have_no_cycles()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "Composer.Core");
        var edges = Directory.GetDirectories(core).Select(Path.GetFileName).OfType<string>().Where(f => f is not ("bin" or "obj"))
            .ToDictionary(f => f, f => Directory.EnumerateFiles(Path.Combine(core, f), "*.cs", SearchOption.AllDirectories)
                .SelectMany(file => CoreUsing().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
                .Where(t => t != f).ToHashSet());
        foreach (var start in edges.Keys)
        {
            // Depth-first from each folder: reaching it again is a cycle.
            var path = new Stack<string>();
            bool Reaches(string from)
            {
                foreach (var next in edges.GetValueOrDefault(from) ?? [])
                {
                    if (next == start) { path.Push(next); return true; }
                    if (path.Contains(next)) continue;
                    path.Push(next);
                    if (Reaches(next)) return true;
                    path.Pop();
                }
                return false;
            }
            Reaches(start).Should().BeFalse($"{start} → {string.Join(" → ", path.Reverse())} is a cycle");
        }
        edges["Engine"].Should().BeSubsetOf(["Model"], "the engine port depends on the model only");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Composer.sln"))) return dir.FullName;
        throw new InvalidOperationException("Composer.sln not found above the test assembly");
    }
}
