package dev.pmsconversations.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. Exit codes: 0 ok, 1 runtime failure, 2 bad input (config, mapping file, native
 * document, command-line usage, a port a server cannot listen on).
 */
@Command(name = "pms-conversations", mixinStandardHelpOptions = true, version = PmsConversations.VERSION,
        description = "Sync guest conversations from vacation-rental PMSs into one unified model.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, MapCommand.class, SimulateCommand.class, ResyncCommand.class,
                DlqCommand.class, CoverageCommand.class, StoreCommand.class, PluginsCommand.class, AccountsCommand.class})
public final class PmsConversations implements Runnable {
    /** What {@code --version} prints and the start-up banner names. */
    public static final String VERSION = "pms-conversations 0.1.0";
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PmsConversations());
        cli.setExitCodeExceptionMapper(e -> BAD_INPUT);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof ConfigFile.BadInput) {
                command.getErr().println("error: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
