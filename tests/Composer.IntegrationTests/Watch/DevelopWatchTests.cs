using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Watch;

/// <summary>
/// Compose's develop.watch in <c>composer watch</c>, on the real engine: host files synced into the container (and
/// removed), ignore rules, sync+restart, sync+exec, rebuild from a local Dockerfile, initial_sync.
/// </summary>
public class DevelopWatchTests
{
    private const string Sleeper = "image: composer-busybox:1\n    init: true\n    command: [\"sleep\", \"2147483647\"]";

    /// <summary><c>composer watch --format json</c>, returned once it watches the files (changes from then on are seen).</summary>
    private static async Task<BackgroundComposer> WatchAsync(TestProject project)
    {
        var watch = BackgroundComposer.Start(project.Directory, "-p", project.Name, "watch", "--format", "json");
        await watch.NextLineAsync(l => l.Contains("Watch enabled"), "watch to start watching files");
        return watch;
    }

    private static async Task WriteAsync(TestProject project, string path, string text)
    {
        var full = Path.Combine(project.Directory, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, text);
    }

    private static Task<(long ExitCode, string Output)> CatAsync(TestProject project, string service, string path) =>
        project.ExecAsync(service, "cat", path);

    private static Task UntilContentAsync(TestProject project, string service, string path, string text) =>
        Eventually.Until(() => CatAsync(project, service, path), r => r.ExitCode == 0 && r.Output == text, $"{path} in {service} to read '{text}'");

    [Fact]
    public async Task A_file_edited_on_the_host_appears_in_the_container_a_deleted_or_renamed_one_disappears_ignored_ones_never_arrive()
    {
        await using var project = await TestProject.CreateAsync("dwsync", $$"""
            services:
              app:
                {{Sleeper}}
                develop:
                  watch:
                    - path: ./src
                      action: sync
                      target: /app
                      ignore: ["*.tmp", "cache/"]
            """, new Dictionary<string, string> { ["src/.keep"] = "" });
        await project.RunOkAsync("up", "-d");
        await using var watch = await WatchAsync(project);

        await WriteAsync(project, "src/index.html", "v1");
        await UntilContentAsync(project, "app", "/app/index.html", "v1");
        await WriteAsync(project, "src/index.html", "v2");
        await WriteAsync(project, "src/css/site.css", "body{}");
        await UntilContentAsync(project, "app", "/app/index.html", "v2");
        await UntilContentAsync(project, "app", "/app/css/site.css", "body{}");

        // Ignored files are written first: once the file after them has arrived, their events were handled too.
        await WriteAsync(project, "src/draft.tmp", "no");
        await WriteAsync(project, "src/cache/blob", "no");
        await WriteAsync(project, "src/after-ignored.txt", "yes");
        await UntilContentAsync(project, "app", "/app/after-ignored.txt", "yes");
        (await project.ExecAsync("app", "ls", "/app/draft.tmp")).ExitCode.Should().NotBe(0, "*.tmp is ignored");
        (await project.ExecAsync("app", "ls", "/app/cache")).ExitCode.Should().NotBe(0, "cache/ is ignored");

        File.Delete(Path.Combine(project.Directory, "src", "index.html"));
        await Eventually.Until(() => project.ExecAsync("app", "ls", "/app/index.html"), r => r.ExitCode != 0, "/app/index.html to be removed");
        (await CatAsync(project, "app", "/app/css/site.css")).Output.Should().Be("body{}", "only the deleted file goes");

        File.Move(Path.Combine(project.Directory, "src", "after-ignored.txt"), Path.Combine(project.Directory, "src", "renamed.txt"));
        await UntilContentAsync(project, "app", "/app/renamed.txt", "yes");
        await Eventually.Until(() => project.ExecAsync("app", "ls", "/app/after-ignored.txt"), r => r.ExitCode != 0, "the old name to be removed");

        Directory.Delete(Path.Combine(project.Directory, "src", "css"), recursive: true);
        await Eventually.Until(() => project.ExecAsync("app", "ls", "/app/css"), r => r.ExitCode != 0, "/app/css to be removed with its directory");

        (await watch.InterruptAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Sync_restart_restarts_the_container_after_the_sync_sync_exec_runs_its_command_and_restart_restarts()
    {
        await using var project = await TestProject.CreateAsync("dwrestart", $$"""
            services:
              web:
                {{Sleeper}}
                develop:
                  watch:
                    - { path: ./conf, action: sync+restart, target: /etc/web }
              worker:
                {{Sleeper}}
                develop:
                  watch:
                    - path: ./jobs
                      action: sync+exec
                      target: /jobs
                      exec:
                        command: ["sh", "-c", "cat /jobs/job.txt > /tmp/ran-$$MARK; id -u >> /tmp/ran-$$MARK"]
                        user: "1234"
                        environment: { MARK: exec }
              plain:
                {{Sleeper}}
                develop:
                  watch:
                    - { path: ./trigger, action: restart }
            """);
        await project.RunOkAsync("up", "-d");
        var startedBefore = (await project.InspectAsync("web")).State.StartedAt;
        await using var watch = await WatchAsync(project);

        await WriteAsync(project, "conf/web.conf", "port=8080");
        await watch.NextLineAsync(l => l.Contains("restarted") && l.Contains("web"), "web to be restarted");
        var web = await project.InspectAsync("web");
        web.State.Running.Should().BeTrue();
        web.State.StartedAt.Should().NotBe(startedBefore, "sync+restart restarts the container");
        (await CatAsync(project, "web", "/etc/web/web.conf")).Output.Should().Be("port=8080");

        await WriteAsync(project, "jobs/job.txt", "job-1\n");
        await UntilContentAsync(project, "worker", "/tmp/ran-exec", "job-1\n1234\n");

        var plainBefore = (await project.InspectAsync("plain")).State.StartedAt;
        await WriteAsync(project, "trigger/touch", "1");
        await watch.NextLineAsync(l => l.Contains("restarted") && l.Contains("plain"), "plain to be restarted");
        (await project.InspectAsync("plain")).State.StartedAt.Should().NotBe(plainBefore, "restart restarts the container");

        (await watch.InterruptAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Initial_sync_copies_what_is_there_when_watching_starts_without_ignored_or_dockerignored_files()
    {
        await using var project = await TestProject.CreateAsync("dwinitial", """
            services:
              app:
                build: .
                init: true
                command: ["sleep", "2147483647"]
                develop:
                  watch:
                    - { path: ./site, action: sync, target: /srv, initial_sync: true, ignore: ["*.bak"] }
            """, new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM composer-busybox:1\n",
            [".dockerignore"] = "site/*.log\n",
            ["site/index.html"] = "home",
            ["site/deep/er/page.html"] = "deep",
            ["site/old.bak"] = "ignored",
            ["site/debug.log"] = "dockerignored",
            ["site/.git/HEAD"] = "ref: refs/heads/main",
        });
        try
        {
            await project.RunOkAsync("up", "-d");
            await using var watch = await WatchAsync(project);

            // The initial sync is done before "Watch enabled".
            (await CatAsync(project, "app", "/srv/index.html")).Output.Should().Be("home");
            (await CatAsync(project, "app", "/srv/deep/er/page.html")).Output.Should().Be("deep");
            (await project.ExecAsync("app", "ls", "/srv/old.bak")).ExitCode.Should().NotBe(0, "the rule ignores *.bak");
            (await project.ExecAsync("app", "ls", "/srv/debug.log")).ExitCode.Should().NotBe(0, "the build context's .dockerignore applies");
            (await project.ExecAsync("app", "ls", "/srv/.git")).ExitCode.Should().NotBe(0, ".git directories are never synced");

            (await watch.InterruptAsync()).Should().Be(0);
        }
        finally
        {
            await Engine.RemoveProjectAsync(project.Name);
            await Engine.RemoveImageAsync($"{project.Name}-app");
        }
    }

    [Fact]
    public async Task Rebuild_builds_a_new_image_and_recreates_the_container_keeping_its_anonymous_volume()
    {
        await using var project = await TestProject.CreateAsync("dwrebuild", """
            services:
              app:
                build: .
                init: true
                command: ["sleep", "2147483647"]
                volumes: ["/data"]
                develop:
                  watch:
                    - { path: ./version.txt, action: rebuild }
            """, new Dictionary<string, string>
        {
            ["Dockerfile"] = "FROM composer-busybox:1\nCOPY version.txt /version.txt\n",
            ["version.txt"] = "one",
        });
        var image = $"{project.Name}-app";
        try
        {
            await project.RunOkAsync("up", "-d");
            var before = await project.InspectAsync("app");
            (await project.ExecAsync("app", "sh", "-c", "echo kept > /data/marker")).ExitCode.Should().Be(0);
            await using var watch = await WatchAsync(project);

            await WriteAsync(project, "version.txt", "two");
            await watch.NextLineAsync(l => l.Contains("successfully built"), "the image to be rebuilt", TimeSpan.FromMinutes(2));
            // Listed, not inspected: between the old container's removal and the new one's creation there is none.
            await Eventually.Until(project.ContainersAsync, cs => cs.Any(c => c.ID != before.ID && c.State == "running"), "app to be recreated");
            var after = await project.InspectAsync("app");
            after.ID.Should().NotBe(before.ID);
            after.Image.Should().NotBe(before.Image, "the container runs the new image");
            (await CatAsync(project, "app", "/version.txt")).Output.Should().Be("two");
            (await CatAsync(project, "app", "/data/marker")).Output.Should().Be("kept\n", "the recreated container keeps its anonymous volume");

            (await watch.InterruptAsync()).Should().Be(0);
        }
        finally
        {
            await Engine.RemoveProjectAsync(project.Name);
            await Engine.RemoveImageAsync(image);
        }
    }

    [Fact]
    public async Task A_rule_that_cannot_work_stops_watch_with_exit_1_and_a_sync_rule_without_target_is_a_load_error()
    {
        await using var project = await TestProject.CreateAsync("dwinvalid", $$"""
            services:
              app:
                {{Sleeper}}
                develop:
                  watch:
                    - { path: ./src, action: rebuild }
            """);
        var watch = await project.RunAsync("watch");
        watch.ExitCode.Should().Be(1, watch.ToString());
        watch.Stderr.Should().Contain("can't watch service \"app\" with action rebuild without a build context");
        (await project.ContainersAsync()).Should().BeEmpty("watch stopped before making the project whole");

        await File.WriteAllTextAsync(Path.Combine(project.Directory, "compose.yaml"), $$"""
            services:
              app:
                {{Sleeper}}
                develop:
                  watch:
                    - { path: ./src, action: sync }
            """);
        var config = await project.RunAsync("config", "-q");
        config.ExitCode.Should().Be(2, config.ToString());
        config.Stderr.Should().Contain("target is required for sync, sync+exec and sync+restart actions");
    }
}
