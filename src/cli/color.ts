import { type Command, Option } from "commander";
import type { OutputOptions } from "./output.js";

export const COLOR_WHEN = ["auto", "always", "never"] as const;
export type ColorWhen = (typeof COLOR_WHEN)[number];

/** --color always|never|auto, and --no-color for never (commander stores false). */
export function addColorOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--color <when>",
        "colour: auto (a terminal, unless NO_COLOR is set or FORCE_COLOR forces it), always or never",
      )
        .choices(COLOR_WHEN)
        .default("auto"),
    )
    .option("--no-color", "the same as --color never");
}

/**
 * The chalk level for the text: --color always|never wins; auto colours a terminal unless
 * NO_COLOR is set, and FORCE_COLOR forces it (chalk 5 reads FORCE_COLOR and the terminal, but
 * not NO_COLOR). A file written with -o is not a terminal.
 */
export async function paintFor(color: ColorWhen | boolean | undefined, o: OutputOptions = {}) {
  const { Chalk, supportsColor } = await import("chalk");
  const when: ColorWhen = color === false ? "never" : color === true ? "auto" : (color ?? "auto");
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const forced = process.env.FORCE_COLOR !== undefined;
  const level =
    when === "never"
      ? 0
      : when === "always"
        ? Math.max(2, supportsColor ? supportsColor.level : 0)
        : noColor || !supportsColor || (o.output !== undefined && !forced)
          ? 0
          : supportsColor.level;
  return new Chalk({ level: level as 0 | 1 | 2 | 3 });
}
