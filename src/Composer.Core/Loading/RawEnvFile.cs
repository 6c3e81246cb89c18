namespace Composer.Core.Loading;

/// <summary>
/// <c>env_file</c> with <c>format: raw</c>: the file as <c>docker run --env-file</c> reads it (Compose registers that
/// parser as "raw"). Each line is <c>KEY=VALUE</c> taken literally (no quotes, escapes or interpolation), or a bare
/// <c>KEY</c> taken from the environment when set there; blank lines and lines starting with <c>#</c> are skipped.
/// </summary>
public static class RawEnvFile
{
    public static (List<EnvFile.Entry> Entries, EnvFile.ParseError? Error) Parse(string text, Func<string, string?> lookup)
    {
        var entries = new List<EnvFile.Entry>();
        var lines = (text.StartsWith('\uFEFF') ? text[1..] : text).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r').TrimStart();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var eq = line.IndexOf('=');
            var key = eq < 0 ? line : line[..eq];
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
                return (entries, new EnvFile.ParseError(n + 1, 1, $"variable '{key}' contains whitespaces"));
            if (eq >= 0) entries.Add(new EnvFile.Entry(key, line[(eq + 1)..], n + 1));
            else if (lookup(key) is { } value) entries.Add(new EnvFile.Entry(key, value, n + 1));
        }
        return (entries, null);
    }
}
