using Composer.Cli;

namespace Composer.IntegrationTests.Watch;

/// <summary>develop.watch's file watcher on the real file system (no engine): events, and the rescan an overflow triggers.</summary>
public class FileChangeFeedTests
{
    private static async Task<HashSet<string>> ReadUntilAsync(FileChangeFeed feed, Func<HashSet<string>, bool> done)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done(seen)) seen.Add(await feed.Changes.ReadAsync(deadline.Token));
        return seen;
    }

    [Fact]
    public async Task Created_changed_deleted_and_moved_in_files_are_reported_a_moved_in_directory_as_its_files()
    {
        var root = Directory.CreateTempSubdirectory("composer-feed-").FullName;
        var outside = Directory.CreateTempSubdirectory("composer-feed-out-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "old.txt"), "x");
            using var feed = new FileChangeFeed([root]);
            File.WriteAllText(Path.Combine(root, "new.txt"), "1");
            File.Delete(Path.Combine(root, "old.txt"));
            Directory.CreateDirectory(Path.Combine(outside, "pkg", "sub"));
            File.WriteAllText(Path.Combine(outside, "pkg", "sub", "moved.js"), "m");
            Directory.Move(Path.Combine(outside, "pkg"), Path.Combine(root, "pkg"));

            var want = new[] { "new.txt", "old.txt", "pkg/sub/moved.js" }.Select(p => Path.Combine(root, p)).ToList();
            var seen = await ReadUntilAsync(feed, s => want.All(s.Contains));
            seen.Should().NotContain(Path.Combine(root, "pkg"), "a directory is reported as the files it holds");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task After_an_overflow_the_rescan_reports_every_file_that_differs_from_the_last_scan()
    {
        var root = Directory.CreateTempSubdirectory("composer-feed-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "same.txt"), "same");
            File.WriteAllText(Path.Combine(root, "changed.txt"), "short");
            File.WriteAllText(Path.Combine(root, "deleted.txt"), "x");
            using var feed = new FileChangeFeed([root], listen: false);
            File.WriteAllText(Path.Combine(root, "changed.txt"), "longer now");
            File.Delete(Path.Combine(root, "deleted.txt"));
            Directory.CreateDirectory(Path.Combine(root, "d"));
            File.WriteAllText(Path.Combine(root, "d", "added.txt"), "new");

            feed.Rescan();
            var reported = new List<string>();
            while (feed.Changes.TryRead(out var path)) reported.Add(path);
            reported.Select(p => Path.GetRelativePath(root, p)).Should().BeEquivalentTo(["changed.txt", "deleted.txt", "d/added.txt"], "files only: a directory is never reported");

            feed.Rescan();
            feed.Changes.TryRead(out _).Should().BeFalse("nothing changed since the last scan");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_root_that_does_not_exist_yet_is_watched_once_it_appears()
    {
        var project = Directory.CreateTempSubdirectory("composer-feed-").FullName;
        try
        {
            var root = Path.Combine(project, "later", "src");
            using var feed = new FileChangeFeed([root]);
            Directory.CreateDirectory(Path.Combine(project, "later"));
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, "first.txt"), "1");
            await ReadUntilAsync(feed, s => s.Contains(Path.Combine(root, "first.txt")));

            Directory.CreateDirectory(Path.Combine(root, "sub"));
            File.WriteAllText(Path.Combine(root, "sub", "second.txt"), "2");
            await ReadUntilAsync(feed, s => s.Contains(Path.Combine(root, "sub", "second.txt")));
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }
}
