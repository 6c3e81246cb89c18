namespace Composer.Cli;

/// <summary>
/// One composer at a time changes a project on this machine: an exclusive lock (flock, through .NET's FileShare.None)
/// on <c>$XDG_RUNTIME_DIR/composer-locks/&lt;project&gt;.lock</c> (or under /tmp). The kernel drops the lock when the
/// process dies, even by SIGKILL, so a crashed composer never blocks the next one. A second <c>up</c> waits, then
/// observes what the first made and has (almost) nothing to do.
/// </summary>
public sealed class ProjectLock : IDisposable
{
    private readonly FileStream _file;

    private ProjectLock(FileStream file) => _file = file;

    public static string PathFor(string project)
    {
        return Path.Combine(RuntimeDirectory(), "composer-locks", project + ".lock");
    }

    public static async Task<ProjectLock> AcquireAsync(string project, CancellationToken cancellationToken)
    {
        var path = PathFor(project);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var announced = false;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return new ProjectLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!announced)
                {
                    Console.Error.WriteLine($"Waiting for another composer working on project \"{project}\" ({path})");
                    announced = true;
                }
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }

    /// <summary>Where per-machine runtime state lives: <c>$XDG_RUNTIME_DIR</c> when it exists, else the temp folder.</summary>
    public static string RuntimeDirectory()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(runtime) || !Directory.Exists(runtime) ? Path.GetTempPath() : runtime;
    }

    /// <summary>Takes <paramref name="name"/>'s lock if it is free; null if another process holds it.</summary>
    public static ProjectLock? TryAcquire(string name)
    {
        var path = PathFor(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try { return new ProjectLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); }
        catch (IOException) { return null; }
    }

    public void Dispose() => _file.Dispose();
}
