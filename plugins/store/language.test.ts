import assert from "node:assert/strict";
import { detectLanguage } from "./language.ts";

Deno.test("detectLanguage tells Spanish from English by function words", () => {
  assert.equal(
    detectLanguage("Las bases de datos guardan la información de los usuarios en tablas."),
    "es",
  );
  assert.equal(
    detectLanguage("The database keeps the records of all users in tables that are indexed."),
    "en",
  );
});

Deno.test("detectLanguage says other for text with no function words of either", () => {
  assert.equal(detectLanguage("我们的数据库很快，而且很稳定。"), "other");
  assert.equal(detectLanguage("Der Hund läuft schnell über die Straße."), "other");
  assert.equal(detectLanguage(""), "other");
});
