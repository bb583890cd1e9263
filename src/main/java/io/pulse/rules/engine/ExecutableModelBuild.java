package io.pulse.rules.engine;

import io.pulse.rules.pack.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.compiler.kie.builder.impl.KieBuilderImpl;
import org.drools.model.codegen.ExecutableModelProject;
import org.drools.modelcompiler.CanonicalKieModule;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.KieRepository;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.conf.KieBaseMutabilityOption;
import org.kie.api.runtime.KieContainer;

/**
 * The pack built with Drools' executable model, every expression of the rules (conditions, from,
 * accumulate, salience, queries, functions, then parts) compiled to Java. The
 * build goes through a KieBuilder, which registers its module in the JVM-wide KieRepository: the
 * module is removed again before this returns, so reloads do not accumulate.
 *
 * <p>The generated classes' bytes are kept ({@link #classes()}) for the sandbox; the KieBase is only
 * made, and the classes loaded, when {@link #kieBase()} is asked for after that check.
 */
final class ExecutableModelBuild {
    private static final String RESOURCES = "src/main/resources/";

    private final List<Problem> problems;
    private final Map<String, byte[]> classes;
    private final InternalKieModule module;
    private final ClassLoader classLoader;

    private ExecutableModelBuild(List<Problem> problems, Map<String, byte[]> classes, InternalKieModule module,
                                 ClassLoader classLoader) {
        this.problems = problems;
        this.classes = classes;
        this.module = module;
        this.classLoader = classLoader;
    }

    static ExecutableModelBuild of(Map<String, String> files, ClassLoader classLoader) {
        KieServices services = KieServices.Factory.get();
        KieRepository repository = services.getRepository();
        ReleaseId releaseId = services.newReleaseId("io.pulse.rules", "pack-" + UUID.randomUUID(), "1");
        KieFileSystem kfs = services.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        files.forEach((name, text) -> {
            if (name.endsWith(".drl")) {
                kfs.write(RESOURCES + name, text);
            }
        });
        KieBuilder builder = services.newKieBuilder(kfs, classLoader);
        try {
            List<Problem> problems = new ArrayList<>();
            try {
                builder.buildAll(ExecutableModelProject.class);
            } catch (RuntimeException e) {
                // The executable model's code generator throws on some expressions it cannot
                // translate (e.g. "x.getClass().forName(...)": "... is not NameExpr") instead of
                // reporting them.
                problems.add(new Problem("?", 0, "the executable model could not compile the pack: " + e));
                return new ExecutableModelBuild(problems, Map.of(), null, classLoader);
            }
            for (Message m : builder.getResults().getMessages(Message.Level.ERROR)) {
                problems.add(problem(m, files));
            }
            if (!problems.isEmpty()) {
                return new ExecutableModelBuild(problems, Map.of(), null, classLoader);
            }
            InternalKieModule module = (InternalKieModule) ((KieBuilderImpl) builder).getKieModuleIgnoringErrors();
            Map<String, byte[]> classes = new TreeMap<>();
            for (String name : module.getFileNames()) {
                if (name.endsWith(".class")) {
                    classes.put(name.substring(0, name.length() - ".class".length()), module.getBytes(name));
                }
            }
            return new ExecutableModelBuild(problems, classes, module, classLoader);
        } finally {
            repository.removeKieModule(releaseId);
        }
    }

    /** A build message as {@code file:line: message}; messages about generated Java keep its path. */
    private static Problem problem(Message m, Map<String, String> files) {
        String path = m.getPath() == null ? "" : m.getPath();
        String file = path.startsWith(RESOURCES) ? path.substring(RESOURCES.length()) : path;
        if (file.isEmpty()) {
            file = "?";
        }
        String text = DrlProblems.clean(m.getText());
        int source = text.indexOf(" in error: package ");
        if (source >= 0) {
            text = text.substring(0, source + " in error".length()); // not the whole generated source
        }
        return new Problem(file, Math.max(m.getLine(), 0), text);
    }

    /** The release the build's module had while it was registered (null when the build failed). */
    ReleaseId releaseId() {
        return module == null ? null : module.getReleaseId();
    }

    List<Problem> problems() {
        return problems;
    }

    /** Every class the build generated: internal name to bytes. */
    Map<String, byte[]> classes() {
        return classes;
    }

    /**
     * The class Drools generates from the module descriptor (kmodule), without rule text: the
     * project model, by its exact name for this build's release.
     */
    Set<String> descriptorClasses() {
        return module == null ? Set.of() : Set.of(CanonicalKieModule.getProjectModelClassNameNameWithReleaseId(
                module.getReleaseId()).replace('.', '/'));
    }

    /** One immutable KieBase of the pack; loads the generated classes. */
    KieBase kieBase() {
        KieServices services = KieServices.Factory.get();
        KieRepository repository = services.getRepository();
        // newKieContainer finds modules only in the repository: register it for the call, no longer.
        repository.addKieModule(module);
        try {
            KieContainer container = services.newKieContainer(module.getReleaseId(), classLoader);
            KieBaseConfiguration configuration = services.newKieBaseConfiguration(null, classLoader);
            configuration.setOption(KieBaseMutabilityOption.DISABLED);
            return container.newKieBase(configuration);
        } finally {
            repository.removeKieModule(module.getReleaseId());
        }
    }
}
