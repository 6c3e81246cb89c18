using System.Formats.Tar;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>Issue 12, case 7: a symbolic link in a build context is sent as a link; what it points to stays home.</summary>
public class BuildContextSymlinkTests
{
    private static string Outside()
    {
        var outside = Path.Combine(Path.GetTempPath(), "composer-it", "outside-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "private.key"), "must not leave the machine");
        return outside;
    }

    [Fact]
    public async Task The_context_tar_holds_links_not_what_they_point_to()
    {
        var context = Path.Combine(Path.GetTempPath(), "composer-it", "ctx-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\n");
        var outside = Outside();
        File.CreateSymbolicLink(Path.Combine(context, "linked-dir"), outside);
        File.CreateSymbolicLink(Path.Combine(context, "linked-file"), Path.Combine(outside, "private.key"));

        using var tar = await Composer.Docker.BuildContext.TarAsync(context, "Dockerfile", CancellationToken.None);
        var entries = new Dictionary<string, TarEntry>();
        using (var reader = new TarReader(tar))
            while (reader.GetNextEntry() is { } entry) entries[entry.Name] = entry;

        entries.Keys.Should().BeEquivalentTo("Dockerfile", "linked-dir", "linked-file");
        entries["linked-dir"].EntryType.Should().Be(TarEntryType.SymbolicLink);
        entries["linked-dir"].LinkName.Should().Be(outside);
        entries["linked-file"].EntryType.Should().Be(TarEntryType.SymbolicLink);
    }

    [Fact]
    public async Task A_built_image_has_the_link_and_none_of_the_files_outside_the_context()
    {
        var outside = Outside();
        await using var project = await TestProject.CreateAsync("blink", """
            services:
              app:
                build: .
                init: true
                command: ["sleep", "2147483647"]
            """, new Dictionary<string, string> { ["Dockerfile"] = "FROM composer-busybox:1\nCOPY . /ctx\n", ["inside.txt"] = "inside" });
        File.CreateSymbolicLink(Path.Combine(project.Directory, "linked-dir"), outside);
        try
        {
            await project.RunOkAsync("build");
            var run = await project.RunOkAsync("run", "--rm", "app", "sh", "-c", "cd /ctx && ls -la linked-dir; find . | sort; cat /ctx/linked-dir/private.key 2>&1 || true");
            run.Stdout.Should().Contain("./inside.txt").And.Contain("linked-dir ->");
            run.Stdout.Should().NotContain("must not leave the machine");
        }
        finally { await Engine.RemoveImageAsync($"{project.Name}-app"); }
    }
}
