using Composer.Core.Loading;

namespace Composer.Cli;

/// <summary>
/// The loader's record of valid documents, as empty files named by fingerprint under
/// <c>$XDG_CACHE_HOME/composer/validated</c> (else <c>~/.cache/…</c>). A cache that cannot be read or written is
/// simply not used: the document is validated as if it were new.
/// </summary>
internal sealed class DiskValidationCache(string directory) : IValidationCache
{
    private const int MaxEntries = 512;

    public static DiskValidationCache ForUser()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new DiskValidationCache(Path.Combine(root, "composer", "validated"));
    }

    public bool Contains(string fingerprint) => File.Exists(Path.Combine(directory, fingerprint));

    public void Add(string fingerprint)
    {
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllBytes(Path.Combine(directory, fingerprint), []);
            Prune();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    // Bounded: every edit of a file adds an entry; the oldest go first.
    private void Prune()
    {
        var entries = new DirectoryInfo(directory).GetFiles();
        if (entries.Length <= MaxEntries) return;
        foreach (var old in entries.OrderBy(f => f.LastWriteTimeUtc).Take(entries.Length - MaxEntries / 2))
            old.Delete();
    }
}
