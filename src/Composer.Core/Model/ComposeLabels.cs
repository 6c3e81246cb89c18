namespace Composer.Core.Model;

/// <summary>The labels Docker Compose puts on what it creates; Composer uses the same so each tool sees the other's work.</summary>
public static class ComposeLabels
{
    public const string Prefix = "com.docker.compose.";
    public const string Project = "com.docker.compose.project";
    public const string Service = "com.docker.compose.service";
    public const string ContainerNumber = "com.docker.compose.container-number";
    public const string OneOff = "com.docker.compose.oneoff";
    public const string ConfigHash = "com.docker.compose.config-hash";
    public const string WorkingDir = "com.docker.compose.project.working_dir";
    public const string ConfigFiles = "com.docker.compose.project.config_files";
    public const string EnvironmentFile = "com.docker.compose.project.environment_file";
    public const string DependsOn = "com.docker.compose.depends_on";
    public const string Image = "com.docker.compose.image";
    public const string Version = "com.docker.compose.version";
    public const string Network = "com.docker.compose.network";
    public const string Volume = "com.docker.compose.volume";
    /// <summary>Which tool made the resource; Composer's own marker beside Compose's labels.</summary>
    public const string Composer = "io.composer.version";
}
