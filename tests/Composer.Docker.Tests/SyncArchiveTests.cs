using System.Formats.Tar;
using Composer.Core.Supervision.Develop;

namespace Composer.Docker.Tests;

/// <summary>develop.watch's sync tar: what each host path becomes in the archive the engine extracts at <c>/</c>.</summary>
public class SyncArchiveTests
{
    [Fact]
    public async Task Files_land_at_their_container_paths_and_a_directory_brings_its_tree()
    {
        var dir = Directory.CreateTempSubdirectory("composer-sync-tests-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.txt"), "first");
            Directory.CreateDirectory(Path.Combine(dir, "static", "css"));
            File.WriteAllText(Path.Combine(dir, "static", "css", "site.css"), "body{}");
            File.CreateSymbolicLink(Path.Combine(dir, "static", "link"), "/etc/passwd");

            await using var tar = await DockerEngine.ArchiveAsync([
                new PathMapping(Path.Combine(dir, "a.txt"), "/app/a.txt"),
                new PathMapping(Path.Combine(dir, "static"), "/srv/www/"),
                new PathMapping(Path.Combine(dir, "gone.txt"), "/app/gone.txt"),
                new PathMapping(Path.Combine(dir, "a.txt"), "/app/a.txt"),
            ], CancellationToken.None);

            var entries = new Dictionary<string, (TarEntryType Type, string? Text, string Link)>();
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } e)
                entries.Add(e.Name, (e.EntryType, e.DataStream is null ? null : new StreamReader(e.DataStream).ReadToEnd(), e.LinkName));

            entries.Keys.Should().BeEquivalentTo(["app/a.txt", "srv/www", "srv/www/css", "srv/www/css/site.css", "srv/www/link"],
                "names are relative to /, each once; a path missing on the host is not archived");
            entries["app/a.txt"].Text.Should().Be("first");
            entries["srv/www/css/site.css"].Text.Should().Be("body{}");
            entries["srv/www"].Type.Should().Be(TarEntryType.Directory);
            entries["srv/www/link"].Type.Should().Be(TarEntryType.SymbolicLink, "a link is sent as a link, never followed");
            entries["srv/www/link"].Link.Should().Be("/etc/passwd");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
