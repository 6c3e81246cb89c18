using System.Text;
using System.Text.RegularExpressions;

namespace Composer.Core.IO;

/// <summary>
/// <c>.dockerignore</c> patterns (<c>*</c>, <c>?</c>, <c>**</c>, <c>!</c> exceptions; the last matching line wins; a
/// pattern that matches a directory matches what is under it), for build contexts and <c>develop.watch</c>.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _rules;

    private DockerIgnore(List<(Regex, bool)> rules) => _rules = rules;

    public static DockerIgnore Load(string contextDirectory)
    {
        var file = Path.Combine(contextDirectory, ".dockerignore");
        return Parse(File.Exists(file) ? File.ReadAllText(file) : "");
    }

    public static DockerIgnore Parse(string text)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var exception = line.StartsWith('!');
            if (exception) line = line[1..].Trim();
            line = line.Replace('\\', '/').Trim('/');
            if (line.StartsWith("./", StringComparison.Ordinal)) line = line[2..];
            if (line.Length == 0) continue;
            rules.Add((new Regex("^" + ToRegex(line) + "$", RegexOptions.CultureInvariant), exception));
        }
        return new DockerIgnore(rules);
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/') { i++; sb.Append("(.*/)?"); }
                else sb.Append(".*");
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }

    public bool IsEmpty => _rules.Count == 0;

    /// <summary>True when the path (relative, with /) or one of its parent directories is excluded.</summary>
    public bool Excludes(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, exception) in _rules)
        {
            // A rule matches the path itself or any directory above it.
            var matches = pattern.IsMatch(relativePath) || Parents(relativePath).Any(pattern.IsMatch);
            if (matches) excluded = !exception;
        }
        return excluded;
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var i = path.IndexOf('/'); i >= 0; i = path.IndexOf('/', i + 1)) yield return path[..i];
    }
}
