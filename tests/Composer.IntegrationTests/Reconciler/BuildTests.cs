using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>build: through the engine's build API (offline, FROM the local busybox), up --build, and pull offline.</summary>
public class BuildTests
{
    private const string Compose = """
        services:
          app:
            build:
              context: .
              dockerfile: Custom.Dockerfile
              args: { GREETING: hello-arg }
              target: final
            init: true
            command: ["sleep", "2147483647"]
        """;

    private static Dictionary<string, string> Files(string content = "first") => new()
    {
        // The stage after the target fails: building it would fail the build.
        ["Custom.Dockerfile"] = "FROM composer-busybox:1 AS base\nARG GREETING\nRUN echo \"$GREETING\" > /greeting\nFROM base AS final\nCOPY . /ctx\nFROM final AS never\nRUN exit 1\n",
        [".dockerignore"] = "secret.txt\n*.log\n!keep.log\nsub/**/*.tmp\n",
        ["app.txt"] = content,
        ["secret.txt"] = "do not send",
        ["x.log"] = "ignored",
        ["keep.log"] = "kept by the exception",
        ["sub/deeper/a.tmp"] = "ignored",
        ["sub/deeper/b.txt"] = "kept",
    };

    [Fact]
    public async Task Build_sends_the_context_without_dockerignored_files_and_honours_dockerfile_args_and_target()
    {
        await using var project = await TestProject.CreateAsync("bbuild", Compose, Files());
        try
        {
            var build = await project.RunOkAsync("build");
            build.Stderr.Should().Contain($"Image {project.Name}-app  Built");
            var run = await project.RunOkAsync("run", "--rm", "app", "sh", "-c", "cat /greeting; cd /ctx && find . -type f | sort");
            run.Stdout.Should().Contain("hello-arg");
            run.Stdout.Should().Contain("./app.txt").And.Contain("./keep.log").And.Contain("./sub/deeper/b.txt").And.Contain("./Custom.Dockerfile");
            run.Stdout.Should().NotContain("secret.txt").And.NotContain("x.log").And.NotContain("a.tmp");
        }
        finally { await Engine.RemoveImageAsync($"{project.Name}-app"); }
    }

    [Fact]
    public async Task Up_builds_a_missing_image_and_up_build_rebuilds_and_recreates_after_a_change()
    {
        await using var project = await TestProject.CreateAsync("bup", Compose, Files("first"));
        try
        {
            var up = await project.RunOkAsync("up", "-d");
            up.Stderr.Should().Contain($"Image {project.Name}-app  Built");
            var first = await project.InspectAsync("app");
            (await project.ExecAsync("app", "cat", "/ctx/app.txt")).Output.Should().Be("first");

            File.WriteAllText(Path.Combine(project.Directory, "app.txt"), "second");
            var again = await project.RunOkAsync("up", "-d");
            again.Stderr.Should().NotContain("Built", "an image that exists is not rebuilt without --build");
            (await project.InspectAsync("app")).ID.Should().Be(first.ID);

            await project.RunOkAsync("up", "-d", "--build");
            var second = await project.InspectAsync("app");
            second.ID.Should().NotBe(first.ID, "a new image recreates the container");
            (await project.ExecAsync("app", "cat", "/ctx/app.txt")).Output.Should().Be("second");
        }
        finally { await Engine.RemoveImageAsync($"{project.Name}-app"); }
    }

    [Fact]
    public async Task Build_labels_network_extra_hosts_and_shm_size_reach_the_engine()
    {
        await using var project = await TestProject.CreateAsync("blabels", """
            services:
              app:
                build:
                  context: .
                  labels:
                    com.example.team: core
                    com.example.empty: ""
                  network: none
                  extra_hosts: ["buildhost=10.1.2.3"]
                  shm_size: 64m
                command: ["sleep", "2147483647"]
              listed:
                build:
                  context: .
                  labels: ["com.example.team=edge", "com.example.bare"]
                command: ["sleep", "2147483647"]
            """, new Dictionary<string, string>
        {
            // What the RUN step saw: its network interfaces, its hosts file, the size of its /dev/shm (in KiB).
            ["Dockerfile"] = "FROM composer-busybox:1\nRUN ls /sys/class/net > /build-nets; grep buildhost /etc/hosts > /build-hosts; df -k /dev/shm | tail -n 1 > /build-shm; true\n",
        });
        try
        {
            await project.RunOkAsync("build");
            var client = await Engine.ClientAsync();
            var app = await client.Images.InspectImageAsync($"{project.Name}-app");
            app.Config.Labels.Should().Contain("com.example.team", "core").And.Contain("com.example.empty", "");
            var listed = await client.Images.InspectImageAsync($"{project.Name}-listed");
            listed.Config.Labels.Should().Contain("com.example.team", "edge").And.Contain("com.example.bare", "");

            var seen = await project.RunOkAsync("run", "--rm", "-T", "app", "sh", "-c", "cat /build-nets /build-hosts /build-shm");
            seen.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim().Should().Be("lo", "network: none leaves the build only its loopback");
            seen.Stdout.Should().MatchRegex(@"10\.1\.2\.3\s+buildhost");
            seen.Stdout.Should().MatchRegex(@"\s65536\s", "shm_size: 64m is 65536 KiB");
        }
        finally
        {
            await Engine.RemoveImageAsync($"{project.Name}-app");
            await Engine.RemoveImageAsync($"{project.Name}-listed");
        }
    }

    [Fact]
    public async Task Pull_fails_with_a_clear_message_when_no_registry_answers()
    {
        await using var project = await TestProject.CreateAsync("bpull", """
            services:
              web: { image: composer-not-in-any-registry:1 }
              local: { build: ., image: composer-never-pulled:1 }
            """);
        var result = await project.RunAsync("pull", "web");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("service \"web\": cannot pull image \"composer-not-in-any-registry:1\": no image registry answers (is this machine offline?)");

        var ignored = await project.RunAsync("pull", "--ignore-pull-failures", "web");
        ignored.ExitCode.Should().Be(0, ignored.ToString());
        ignored.Stderr.Should().Contain("WARN: service \"web\"");
    }
}
